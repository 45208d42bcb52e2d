import { describe, expect, it } from 'vitest';
import { RetinaError } from './errors.js';
import { Tensor } from './tensor.js';

describe('Tensor', () => {
  it('keeps dtype, data and frozen dims', () => {
    const t = new Tensor('float32', new Float32Array(6), [2, 3]);
    expect(t.dtype).toBe('float32');
    expect(t.size).toBe(6);
    expect(Object.isFrozen(t.dims)).toBe(true);
  });

  it('rejects data whose length disagrees with dims', () => {
    expect(() => new Tensor('uint8', new Uint8Array(5), [2, 3])).toThrow(/5 elements but dims \[2, 3\] need 6/);
    expect(() => new Tensor('uint8', new Uint8Array(5), [2, 3])).toThrow(RetinaError);
  });

  it('rejects negative or fractional dims', () => {
    expect(() => new Tensor('int32', new Int32Array(0), [-1, 0])).toThrow(/non-negative integers/);
  });
});
