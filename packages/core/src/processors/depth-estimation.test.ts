// Depth post-processing against the reference pipeline's maps in the DPT fixtures (post_process_depth_estimation),
// from the golden predicted_depth of their pipeline case.
import { afterAll, describe, expect, it } from 'vitest';
import { Tensor } from '../tensor.js';
import { countMismatches, readBin, type BinDescriptor } from '../testing/fixtures.js';
import { compareToGolden, readGolden } from '../testing/model-fixtures.js';
import { bicubicResize, depthToBytes, postProcessDepthEstimation } from './depth-estimation.js';

interface DepthMapEntry {
  depth: BinDescriptor;
  depth_uint8: BinDescriptor;
  max: number;
  negative_pixels: number;
  wrapped_pixels: number;
}

interface DepthPostProcessing {
  case: string;
  target_sizes: [number, number][];
  maps: DepthMapEntry[];
}

const MODELS = ['dpt-hybrid-depth', 'dpt-beit-depth'];

/** The reference's bytes, written out as the fixtures README gives NumPy's cast: truncate, keep the low byte (negatives wrap). */
function referenceBytes(map: Float32Array, max: number): Uint8Array {
  return Uint8Array.from(map, (value) => {
    const t = Math.trunc(Math.fround(Math.fround(value * 255) / max));
    return ((t % 256) + 256) % 256;
  });
}

function fixtureMaps(model: string) {
  const golden = readGolden(model) as ReturnType<typeof readGolden> & { post_process_depth_estimation: DepthPostProcessing[] };
  const entry = golden.post_process_depth_estimation[0]!;
  const pipelineCase = golden.cases.find((c) => c.name === entry.case)!;
  const desc = pipelineCase.outputs.predicted_depth!;
  const predicted = new Tensor('float32', readBin(desc, 'models', model, 'golden') as Float32Array, desc.shape);
  const maps = entry.maps.map((map) => ({
    ...map,
    float: readBin(map.depth, 'models', model, 'golden') as Float32Array,
    bytes: readBin(map.depth_uint8, 'models', model, 'golden') as Uint8Array,
  }));
  return { tolerance: golden.tolerance, predicted, targetSizes: entry.target_sizes, maps };
}

const figures: Record<string, Record<string, string | number>> = {};
afterAll(() => {
  console.log('Depth post-processing against the reference pipeline (per map):');
  console.table(figures);
});

describe('postProcessDepthEstimation reproduces the reference pipeline', () => {
  it.each(MODELS)('%s: bicubic maps within the fixture tolerance, bytes equal but where the float margin or clamping says', (model) => {
    const { tolerance, predicted, targetSizes, maps } = fixtureMaps(model);
    const results = postProcessDepthEstimation(predicted, targetSizes);
    expect(results).toHaveLength(maps.length);
    results.forEach(({ predictedDepth, depth }, b) => {
      const expected = maps[b]!;
      const where = `${model} map ${b}`;
      expect([predictedDepth.height, predictedDepth.width, depth.height, depth.width], where).toEqual([
        ...targetSizes[b]!,
        ...targetSizes[b]!,
      ]);
      const { maxAbsDiff, violations } = compareToGolden(predictedDepth.data, expected.float, tolerance);
      expect(violations, `${where}: max |diff| ${maxAbsDiff}`).toBe(0);

      // The reference's wrapping cast of our float map: bytes differ only where the float difference can move the
      // scaled value across an integer (or the maximum moved).
      let max = -Infinity;
      for (const value of predictedDepth.data) max = Math.max(max, value);
      const wrapped = referenceBytes(predictedDepth.data, max);
      const scale = 255 / expected.max;
      let floatCaused = 0;
      for (let i = 0; i < wrapped.length; i++) {
        if (wrapped[i] === expected.bytes[i]) continue;
        floatCaused++;
        const scaled = expected.float[i]! * scale;
        const margin = Math.abs(scaled - Math.round(scaled)) / scale;
        expect(margin, `${where} pixel ${i}`).toBeLessThanOrEqual(maxAbsDiff + Math.abs(max - expected.max) + 1e-7);
      }

      // Retina clamps: its bytes differ from the reference's exactly at the wrapped pixels (0 instead of near-white),
      // plus the float-margin pixels above.
      let clampedOnly = 0;
      let total = 0;
      for (let i = 0; i < depth.data.length; i++) {
        if (depth.data[i] !== expected.bytes[i]) total++;
        if (depth.data[i] !== wrapped[i]) {
          clampedOnly++;
          expect(depth.data[i], `${where} pixel ${i}`).toBe(0);
          expect(wrapped[i], `${where} pixel ${i}`).toBeGreaterThan(128);
        }
      }
      expect(clampedOnly, where).toBe(expected.wrapped_pixels);
      figures[`${model} ${b} ${targetSizes[b]!.join('x')}`] = {
        'max |float diff|': maxAbsDiff.toExponential(2),
        'bytes off by float margin': floatCaused,
        'bytes off by clamping (= wrapped_pixels)': clampedOnly,
        'bytes differing in all': total,
      };
    });
  });

  it.each(MODELS)(
    "%s: the README's formula on the golden float map gives the golden bytes; clamping changes exactly the wrapped ones",
    (model) => {
      for (const map of fixtureMaps(model).maps) {
        expect(countMismatches(referenceBytes(map.float, map.max), map.bytes)).toBe(0);
        expect(countMismatches(depthToBytes(map.float), map.bytes)).toBe(map.wrapped_pixels);
      }
    },
  );
});

describe('bicubicResize and depthToBytes', () => {
  it('keeps a map of the same size and a constant map constant', () => {
    const ramp = Float32Array.from({ length: 16 }, (_, i) => i % 4);
    expect(bicubicResize(ramp, 4, 4, 4, 4)).toEqual(ramp);
    const constant = bicubicResize(new Float32Array(16).fill(2.5), 4, 4, 7, 9);
    for (const value of constant) expect(value).toBeCloseTo(2.5, 5);
  });

  it('gives a black image for a map without positive values (the reference divides by 0)', () => {
    expect(depthToBytes(new Float32Array([0, 0, -1]))).toEqual(new Uint8Array(3));
  });

  it('refuses target sizes that are not positive integers or too large, and a batch mismatch', () => {
    const map = new Tensor('float32', new Float32Array(8), [2, 2, 2]);
    expect(() => postProcessDepthEstimation(map, [[2, 2]])).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
    expect(() =>
      postProcessDepthEstimation(map, [
        [2, 2],
        [0, 3],
      ]),
    ).toThrow(/positive integers/);
    expect(() =>
      postProcessDepthEstimation(map, [
        [2, 2],
        [10000, 10000],
      ]),
    ).toThrow(/limit/);
  });
});
