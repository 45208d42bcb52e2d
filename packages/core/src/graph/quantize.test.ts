// The quantizers against values this test computes on its own from the specification at the top of
// quantize.ts (plain loops, its own rounding), on fixture weights; and every dequantized weight within half a
// step of the original.
import { describe, expect, it } from 'vitest';
import { fixtureRepo } from '../testing/model-fixtures.js';
import { readCheckpoint } from '../weights/read-checkpoint.js';
import { quantizeBlocks, quantizePerChannelInt8, roundHalfToEven } from './quantize.js';
import { weightFloats } from './weights.js';

/** Nearest integer, ties to the even one, written out: floor, then compare the fraction with one half. */
function nearestEven(x: number): number {
  const floor = Math.floor(x);
  const fraction = x - floor;
  if (fraction > 0.5) return floor + 1;
  if (fraction < 0.5) return floor;
  return floor % 2 === 0 ? floor : floor + 1;
}

const clampTo = (x: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, x));

/** A fixture checkpoint's float32 weight as [rows, cols] (rows · cols must be its size). */
async function fixtureWeight(model: string, name: string): Promise<Float32Array> {
  const checkpoint = await readCheckpoint(fixtureRepo(model));
  return weightFloats(checkpoint.tensors.get(name)!).slice();
}

/** What the spec says the per-channel int8 quantization of row n is: its scale and codes in k order. */
function expectedInt8Row(row: readonly number[]): { scale: number; codes: number[] } {
  let max = 0;
  for (const w of row) max = Math.max(max, Math.abs(w));
  const scale = max === 0 ? 1 : Math.fround(max / 127) || 1;
  return { scale, codes: row.map((w) => clampTo(nearestEven(w / scale), -127, 127)) };
}

/** What the spec says one block is: scale, zero point, codes (padded to the block size with the zero point). */
function expectedBlock(values: readonly number[], bits: number, blockSize: number): { scale: number; zeroPoint: number; codes: number[] } {
  const levels = 2 ** bits - 1;
  const lo = Math.min(0, ...values);
  const hi = Math.max(0, ...values);
  const scale = hi === lo ? 1 : Math.fround((hi - lo) / levels) || 1;
  const zeroPoint = clampTo(nearestEven(-lo / scale), 0, levels);
  const codes = values.map((w) => clampTo(nearestEven(w / scale) + zeroPoint, 0, levels));
  while (codes.length < blockSize) codes.push(zeroPoint);
  return { scale, zeroPoint, codes };
}

/** The n-bit value `index` of bytes packed first-in-the-low-bits. */
function unpack(bytes: Uint8Array, bits: number, index: number): number {
  return bits === 8 ? bytes[index]! : (bytes[index >> 1]! >> ((index & 1) * 4)) & 15;
}

/** |w - dequantized| <= half a step; the float64 arithmetic of the check itself may add a few ulps of the weight. */
function expectWithinHalfStep(weight: number, dequantized: number, scale: number, where: string): void {
  expect(Math.abs(weight - dequantized), where).toBeLessThanOrEqual(scale / 2 + Math.abs(weight) * 2 ** -50);
}

describe('roundHalfToEven', () => {
  it('rounds to the nearest integer and ties to the even one', () => {
    const cases = [0.5, 1.5, 2.5, -0.5, -1.5, -2.5, 126.5, -127.5, 0.49999999999999994, 3.7, -3.7, 0, 2 ** 50 + 0.5];
    for (const x of cases) expect(roundHalfToEven(x), String(x)).toBe(nearestEven(x));
  });
});

describe('quantizePerChannelInt8', () => {
  // beit-cls's MLP output projection [32, 64], with and without BEiT's layer scale folded in.
  const cases = [
    { name: 'plain', factors: false },
    { name: 'times the layer scale', factors: true },
  ];
  it.each(cases)('gives the specified codes and scales of a fixture weight ($name)', async ({ factors }) => {
    const [outFeatures, inFeatures] = [32, 64];
    const weight = await fixtureWeight('beit-cls', 'beit.encoder.layer.0.output.dense.weight');
    const lambda = factors ? await fixtureWeight('beit-cls', 'beit.encoder.layer.0.lambda_2') : undefined;
    const { codes, scales } = quantizePerChannelInt8(weight, outFeatures, inFeatures, lambda);
    expect(codes).toHaveLength(outFeatures * inFeatures);
    for (let n = 0; n < outFeatures; n++) {
      // The value a float32 graph holds for the scaled weight.
      const row = Array.from(weight.subarray(n * inFeatures, (n + 1) * inFeatures), (w) => (lambda ? Math.fround(w * lambda[n]!) : w));
      const expected = expectedInt8Row(row);
      expect(scales[n], `scale ${n}`).toBe(expected.scale);
      for (let k = 0; k < inFeatures; k++) {
        // Transposed: [in, out], as MatMul's B.
        const code = codes[k * outFeatures + n]!;
        expect(code, `code [${n}, ${k}]`).toBe(expected.codes[k]);
        expectWithinHalfStep(row[k]!, code * scales[n]!, scales[n]!, `weight [${n}, ${k}]`);
      }
    }
  });

  it('uses every code up to ±127 and a scale of 1 for an all-zero channel', () => {
    const weight = new Float32Array([-2, 1, 0.5, 0, 0, 0, 0, 0, 3]);
    const { codes, scales } = quantizePerChannelInt8(weight, 3, 3);
    expect(Array.from(scales)).toEqual([Math.fround(2 / 127), 1, Math.fround(3 / 127)]);
    // [in, out]: column n holds channel n; each channel's largest magnitude takes ±127.
    expect(codes[0]).toBe(-127);
    expect([codes[1], codes[4], codes[7]]).toEqual([0, 0, 0]);
    expect([codes[2], codes[5], codes[8]]).toEqual([0, 0, 127]);
  });
});

describe('quantizeBlocks', () => {
  // Rows of a fixture tensor whose K is not a multiple of 32 give a zero-padded last block, and three blocks
  // a row give 4-bit zero points that do not fill their last byte.
  const cases = [
    { model: 'beit-cls', name: 'beit.encoder.layer.1.output.dense.weight', shape: [32, 64], bits: 4 },
    { model: 'beit-cls', name: 'beit.encoder.layer.1.output.dense.weight', shape: [32, 64], bits: 8 },
    { model: 'beit-cls-abs', name: 'beit.encoder.layer.0.output.dense.weight', shape: [32, 48], bits: 4 },
    { model: 'beit-cls', name: 'beit.encoder.layer.0.intermediate.dense.weight', shape: [16, 128], bits: 4 },
    { model: 'beit-cls', name: 'beit.encoder.layer.0.intermediate.dense.weight', shape: [32, 64], bits: 8 },
    { model: 'beit-mim', name: 'lm_head.weight', shape: [16, 80], bits: 4 },
    {
      model: 'beit-cls',
      name: 'beit.encoder.layer.0.output.dense.weight',
      shape: [32, 64],
      bits: 4,
      factors: 'beit.encoder.layer.0.lambda_2',
    },
  ] as const;
  it.each(cases)('gives the specified $bits-bit codes, scales and zero points of $name as $shape', async (testCase) => {
    const { model, name, shape, bits } = testCase;
    const [outFeatures, inFeatures] = shape;
    const blockSize = 32;
    const original = await fixtureWeight(model, name);
    expect(original).toHaveLength(outFeatures * inFeatures);
    const factors = 'factors' in testCase ? await fixtureWeight(model, testCase.factors) : undefined;
    const q = quantizeBlocks(original, outFeatures, inFeatures, bits, blockSize, factors);
    // The value a float32 graph holds for the scaled weight.
    const weight = factors ? original.map((w, i) => Math.fround(w * factors[Math.floor(i / inFeatures)]!)) : original;
    const blocks = Math.ceil(inFeatures / blockSize);
    expect(q.blocksPerRow).toBe(blocks);
    expect(q.codes).toHaveLength((outFeatures * blocks * blockSize * bits) / 8);
    expect(q.scales).toHaveLength(outFeatures * blocks);
    const zeroPointBytes = Math.ceil((blocks * bits) / 8);
    expect(q.zeroPoints).toHaveLength(outFeatures * zeroPointBytes);
    for (let n = 0; n < outFeatures; n++) {
      for (let b = 0; b < blocks; b++) {
        const values = Array.from(
          weight.subarray(n * inFeatures + b * blockSize, n * inFeatures + Math.min((b + 1) * blockSize, inFeatures)),
        );
        const expected = expectedBlock(values, bits, blockSize);
        const scale = q.scales[n * blocks + b]!;
        const zeroPoint = unpack(q.zeroPoints, bits, n * zeroPointBytes * (8 / bits) + b);
        expect(scale, `scale [${n}, ${b}]`).toBe(expected.scale);
        expect(zeroPoint, `zero point [${n}, ${b}]`).toBe(expected.zeroPoint);
        for (let i = 0; i < blockSize; i++) {
          const code = unpack(q.codes, bits, (n * blocks + b) * blockSize + i);
          expect(code, `code [${n}, ${b * blockSize + i}]`).toBe(expected.codes[i]);
          if (i < values.length) expectWithinHalfStep(values[i]!, (code - zeroPoint) * scale, scale, `weight [${n}, ${b * blockSize + i}]`);
        }
      }
      // Unused nibbles of the last zero-point byte stay 0.
      if (bits === 4 && blocks % 2 === 1) expect(q.zeroPoints[(n + 1) * zeroPointBytes - 1]! >> 4).toBe(0);
    }
  });
});
