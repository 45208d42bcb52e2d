// The DPT fixtures' post-processed depth maps (post_process_depth_estimation): the reference pipeline's bicubic
// maps and 8-bit images of the `pipeline` case, checked against what Retina makes of a predicted_depth.
import type { DepthEstimation } from '@retina/core';
import { readFileSync } from 'node:fs';
import { fixtureFile, readGolden, type BinDescriptor } from './fixtures.js';
import { expect } from './test.js';

interface DepthMapEntry {
  depth: BinDescriptor;
  depth_uint8: BinDescriptor;
  wrapped_pixels: number;
  'pixels_with_step_margin_below_1e-4': number;
}

interface DepthPostProcessing {
  case: string;
  images: string[];
  target_sizes: [number, number][];
  maps: DepthMapEntry[];
}

export const DEPTH_MODELS = ['dpt-hybrid-depth', 'dpt-beit-depth'];

/** The fixture's post-processing case (always the `pipeline` case, images chelsea and coffee). */
export function depthPostProcessing(model: string): DepthPostProcessing {
  const golden = readGolden(model) as ReturnType<typeof readGolden> & { post_process_depth_estimation: DepthPostProcessing[] };
  return golden.post_process_depth_estimation[0]!;
}

function readMap<T extends Float32Array | Uint8Array>(model: string, desc: BinDescriptor, type: new (buffer: ArrayBuffer) => T): T {
  const bytes = readFileSync(fixtureFile('models', model, 'golden', desc.file));
  return new type(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
}

/**
 * Expects each result's float map within `tolerance` of the reference's, and its 8-bit image equal to the reference's
 * but at the pixels the reference wraps (Retina clamps them to 0) and those whose float margin to a byte step is
 * below 1e-4 (the fixture counts both). Returns the figures for the log.
 */
export function expectDepthGoldens(
  model: string,
  results: readonly Pick<DepthEstimation, 'predictedDepth' | 'depth'>[],
  tolerance: { atol: number; rtol: number },
): { maxAbsDiff: number; bytesDiffering: number[] } {
  const { maps } = depthPostProcessing(model);
  expect(results).toHaveLength(maps.length);
  let maxAbsDiff = 0;
  const bytesDiffering: number[] = [];
  maps.forEach((entry, b) => {
    const where = `${model} map ${b}`;
    const { predictedDepth, depth } = results[b]!;
    expect([predictedDepth.height, predictedDepth.width], where).toEqual(entry.depth.shape);
    expect([depth.height, depth.width], where).toEqual(entry.depth.shape);
    const expected = readMap(model, entry.depth, Float32Array);
    let violations = 0;
    for (let i = 0; i < expected.length; i++) {
      const diff = Math.abs(predictedDepth.data[i]! - expected[i]!);
      if (!(diff <= tolerance.atol + tolerance.rtol * Math.abs(expected[i]!))) violations++;
      maxAbsDiff = Math.max(maxAbsDiff, diff);
    }
    expect(violations, `${where}: max |diff| ${maxAbsDiff}`).toBe(0);
    const bytes = readMap(model, entry.depth_uint8, Uint8Array);
    const margin = entry['pixels_with_step_margin_below_1e-4'];
    let clamped = 0;
    let differing = 0;
    for (let i = 0; i < bytes.length; i++) {
      if (depth.data[i] === bytes[i]) continue;
      differing++;
      if (depth.data[i] === 0 && bytes[i]! >= 128) clamped++;
    }
    // Where the reference wraps overshoot below 0 to near-white, Retina gives 0.
    expect(Math.abs(clamped - entry.wrapped_pixels), `${where}: ${clamped} clamped pixels`).toBeLessThanOrEqual(margin);
    expect(differing - clamped, `${where}: other bytes differing from the reference's`).toBeLessThanOrEqual(margin);
    bytesDiffering.push(differing);
  });
  return { maxAbsDiff, bytesDiffering };
}
