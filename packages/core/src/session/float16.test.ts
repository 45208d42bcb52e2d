import { describe, expect, it } from 'vitest';
import { fromFloat16Bits, toFloat16Bits } from './float16.js';

describe('float16 conversion', () => {
  it('encodes known values (IEEE 754 binary16 table)', () => {
    const values = new Float32Array([0, -0, 1, -2, 0.5, 65504, 65520, 1e-8, 2 ** -24, 2 ** -14, Infinity, 0.1]);
    const expected = [0x0000, 0x8000, 0x3c00, 0xc000, 0x3800, 0x7bff, 0x7c00, 0x0000, 0x0001, 0x0400, 0x7c00, 0x2e66];
    expect(Array.from(toFloat16Bits(values))).toEqual(expected);
    expect(toFloat16Bits(new Float32Array([NaN]))[0]! & 0x7c00).toBe(0x7c00);
  });

  it('rounds half to even and round-trips every finite half value', () => {
    // 1 + 2^-11 lies halfway between 1 and 1 + 2^-10: ties go to the even mantissa (1).
    expect(toFloat16Bits(new Float32Array([1 + 2 ** -11]))[0]).toBe(0x3c00);
    expect(toFloat16Bits(new Float32Array([1 + 3 * 2 ** -11]))[0]).toBe(0x3c02);
    const all = new Uint16Array(0x7c00).map((_, i) => i);
    expect(toFloat16Bits(fromFloat16Bits(all))).toEqual(all);
  });
});
