// Coefficient tables of the separable convolution: for each output pixel along one axis, the
// window of input pixels it reads and their fixed-point weights, as Pillow's precompute_coeffs
// and normalize_coeffs_8bpc compute them.
import type { Kernel } from './filters.js';

/** Fixed-point fraction bits: 8 bits of result plus 2 bits of headroom in an int32 sum. */
export const PRECISION_BITS = 32 - 8 - 2;
/** Rounding term every sum starts from, so that `sum >> PRECISION_BITS` rounds to nearest. */
export const HALF = 1 << (PRECISION_BITS - 1);

/** For each output index: the first input index, how many inputs it reads and their weights. */
export interface CoefficientTable {
  first: Int32Array;
  count: Int32Array;
  /** `stride` weights per output index, fixed point with PRECISION_BITS fraction bits. */
  weights: Int32Array;
  stride: number;
}

export function computeCoefficients(inSize: number, outSize: number, kernel: Kernel): CoefficientTable {
  const scale = inSize / outSize;
  const filterScale = Math.max(scale, 1);
  const support = kernel.support * filterScale;
  const stride = Math.ceil(support) * 2 + 1;
  const invFilterScale = 1 / filterScale;
  const first = new Int32Array(outSize);
  const count = new Int32Array(outSize);
  const weights = new Int32Array(outSize * stride);
  const window = new Float64Array(stride);
  for (let out = 0; out < outSize; out++) {
    const center = (out + 0.5) * scale;
    // C casts to int (truncation) before clamping to the image.
    const lo = Math.max(Math.trunc(center - support + 0.5), 0);
    const n = Math.min(Math.trunc(center + support + 0.5), inSize) - lo;
    let total = 0;
    for (let i = 0; i < n; i++) {
      const w = kernel.weight((i + lo - center + 0.5) * invFilterScale);
      window[i] = w;
      total += w;
    }
    for (let i = 0; i < n; i++) {
      weights[out * stride + i] = toFixedPoint(total !== 0 ? window[i]! / total : window[i]!);
    }
    first[out] = lo;
    count[out] = n;
  }
  return { first, count, weights, stride };
}

/** Rounds half away from zero, as Pillow's normalize_coeffs_8bpc does. */
function toFixedPoint(weight: number): number {
  const scaled = weight * (1 << PRECISION_BITS);
  return weight < 0 ? Math.trunc(scaled - 0.5) : Math.trunc(scaled + 0.5);
}
