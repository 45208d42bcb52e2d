// Weight quantization at build time, deterministic and fully specified here, so that a test can recompute
// every code and scale on its own:
//
// - Values are the checkpoint's float32 values (float16/bfloat16 widened exactly), times the output's factor
//   where a factor is folded in (BEiT's layer scale: w = fround(w · factor[n])). Arithmetic is JavaScript's
//   float64; a scale is rounded once to float32 (`Math.fround`) and every code is computed from that stored
//   float32 scale, so dequantizing with what the graph holds gives back each weight within half a step.
// - Rounding is to nearest, ties to even (as onnxruntime's QuantizeLinear), then clamped to the code range.
//
// Per output channel, symmetric int8 (`quantizePerChannelInt8`, for DynamicQuantizeMatMul): one scale per
// output n, scale = fround(max_k |w[n, k]| / 127) (1 when that is 0: the channel is all zeros), code =
// clamp(round(w / scale), -127, 127), zero point 0. -128 is never used, so the range is symmetric.
//
// Per block, asymmetric n-bit (`quantizeBlocks`, for MatMulNBits): each output n's K inputs are cut into
// blocks of `blockSize` (the last one zero-padded); per block, lo = min(0, min w) and hi = max(0, max w),
// scale = fround((hi - lo) / (2^bits - 1)) (1 when hi = lo = 0), zero point z = clamp(round(-lo / scale), 0,
// 2^bits - 1), code = clamp(round(w / scale) + z, 0, 2^bits - 1); the weight is (code - z) · scale. The
// range holds 0, so padding is exact (code z).

/**
 * How a build quantizes its Linear layers: `dynamic-int8` (q8 on the CPU provider: int8 weights per output
 * channel, activations quantized per tensor at run time by DynamicQuantizeMatMul), or `blocks` (MatMulNBits:
 * weight-only, n-bit blocks along K, dequantized inside the kernel; q4, and q8 on WebGPU).
 */
export type LinearQuantization =
  { readonly kind: 'dynamic-int8' } | { readonly kind: 'blocks'; readonly bits: 4 | 8; readonly blockSize: number };

/** 1.5 · 2^52: adding and subtracting it rounds a float64 of magnitude below 2^51 to an integer, ties to even. */
const ROUNDER = 2 ** 52 + 2 ** 51;

/** Round half to even (banker's rounding), as onnxruntime rounds when it quantizes; exact for |x| < 2^51. */
export function roundHalfToEven(x: number): number {
  return x + ROUNDER - ROUNDER;
}

/** int8 codes of a weight with one scale per output channel. */
export interface PerChannelInt8 {
  /** [K, N] row-major, as MatMul's B: codes[k * N + n]. */
  readonly codes: Int8Array;
  /** [N]. */
  readonly scales: Float32Array;
}

/** Side of the square tiles in which codes are written transposed (as transpose2d, weights.ts). */
const TILE = 32;

/**
 * Quantizes a PyTorch Linear weight `weight` ([N = out, K = in], row-major) per output channel to symmetric
 * int8, laid out transposed ([K, N]) for MatMul-style operators, into `codes`. `factors` ([N]) multiply the
 * outputs first.
 */
export function quantizePerChannelInt8(
  weight: Float32Array,
  outFeatures: number,
  inFeatures: number,
  factors?: Float32Array,
  codes: Int8Array = new Int8Array(weight.length),
): PerChannelInt8 {
  // The weights times their factors, without a scaled copy: fround(w · 1) is w.
  const factor = (n: number) => factors?.[n] ?? 1;
  const scales = new Float32Array(outFeatures);
  for (let n = 0; n < outFeatures; n++) {
    const f = factor(n);
    let max = 0;
    for (let i = n * inFeatures, end = i + inFeatures; i < end; i++) max = Math.max(max, Math.abs(Math.fround(weight[i]! * f)));
    scales[n] = Math.fround(max / 127) || 1;
  }
  for (let n0 = 0; n0 < outFeatures; n0 += TILE) {
    const n1 = Math.min(n0 + TILE, outFeatures);
    for (let k0 = 0; k0 < inFeatures; k0 += TILE) {
      const k1 = Math.min(k0 + TILE, inFeatures);
      for (let k = k0; k < k1; k++) {
        for (let n = n0; n < n1; n++) {
          const code = Math.fround(weight[n * inFeatures + k]! * factor(n)) / scales[n]! + ROUNDER - ROUNDER;
          codes[k * outFeatures + n] = code < -127 ? -127 : code > 127 ? 127 : code;
        }
      }
    }
  }
  return { codes, scales };
}

/** n-bit block codes as MatMulNBits takes them. */
export interface BlockQuantized {
  /** ceil(K / blockSize). */
  readonly blocksPerRow: number;
  /** [N, blocksPerRow, blockSize · bits / 8]: codes packed along K, the first of each byte in its low bits. */
  readonly codes: Uint8Array;
  /** [N, blocksPerRow]. */
  readonly scales: Float32Array;
  /** [N, ceil(blocksPerRow · bits / 8)], packed like the codes. */
  readonly zeroPoints: Uint8Array;
}

/** Bytes of the codes `quantizeBlocks` makes of an [N, K] weight. */
function blockCodeBytes(outFeatures: number, inFeatures: number, bits: 4 | 8, blockSize: number): number {
  return (outFeatures * Math.ceil(inFeatures / blockSize) * blockSize * bits) / 8;
}

/**
 * Quantizes a PyTorch Linear weight `weight` ([N = out, K = in], row-major: MatMulNBits' own layout) in
 * blocks of `blockSize` (even) along K to asymmetric `bits`-bit codes (see the top of this file), into `codes`
 * ([N, blocks, blockSize · bits / 8] bytes). `factors` ([N]) multiply the outputs first.
 */
export function quantizeBlocks(
  weight: Float32Array,
  outFeatures: number,
  inFeatures: number,
  bits: 4 | 8,
  blockSize: number,
  factors?: Float32Array,
  codes: Uint8Array = new Uint8Array(blockCodeBytes(outFeatures, inFeatures, bits, blockSize)),
): BlockQuantized {
  const levels = 2 ** bits - 1;
  const blocksPerRow = Math.ceil(inFeatures / blockSize);
  const zeroPointBytesPerRow = Math.ceil((blocksPerRow * bits) / 8);
  const scales = new Float32Array(outFeatures * blocksPerRow);
  const zeroPoints = new Uint8Array(outFeatures * zeroPointBytesPerRow);
  // One block's weights times their factor (fround(w · 1) is w); past K, zeros.
  const values = new Float32Array(blockSize);
  for (let n = 0; n < outFeatures; n++) {
    const factor = factors?.[n] ?? 1;
    for (let block = 0; block < blocksPerRow; block++) {
      const start = n * inFeatures + block * blockSize;
      const count = Math.min(blockSize, inFeatures - block * blockSize);
      let lo = 0;
      let hi = 0;
      for (let i = 0; i < count; i++) {
        values[i] = weight[start + i]! * factor;
        const w = values[i]!;
        lo = Math.min(lo, w);
        hi = Math.max(hi, w);
      }
      const scale = Math.fround((hi - lo) / levels) || 1;
      const rounded = -lo / scale + ROUNDER - ROUNDER;
      const zeroPoint = rounded < 0 ? 0 : rounded > levels ? levels : rounded;
      scales[n * blocksPerRow + block] = scale;
      // Past K the block is padded with the code of 0.
      const first = (n * blocksPerRow + block) * blockSize;
      if (bits === 8) {
        for (let i = 0; i < count; i++) {
          const c = values[i]! / scale + ROUNDER - ROUNDER + zeroPoint;
          codes[first + i] = c < 0 ? 0 : c > levels ? levels : c;
        }
        codes.fill(zeroPoint, first + count, first + blockSize);
      } else {
        // Two codes a byte, the first in the low bits.
        for (let i = 0; i < blockSize; i += 2) {
          const c0 = i < count ? values[i]! / scale + ROUNDER - ROUNDER + zeroPoint : zeroPoint;
          const c1 = i + 1 < count ? values[i + 1]! / scale + ROUNDER - ROUNDER + zeroPoint : zeroPoint;
          codes[(first + i) >> 1] = (c0 < 0 ? 0 : c0 > levels ? levels : c0) | ((c1 < 0 ? 0 : c1 > levels ? levels : c1) << 4);
        }
      }
      if (bits === 8) zeroPoints[n * zeroPointBytesPerRow + block] = zeroPoint;
      else zeroPoints[n * zeroPointBytesPerRow + (block >> 1)]! |= zeroPoint << ((block & 1) * 4);
    }
  }
  return { blocksPerRow, codes, scales, zeroPoints };
}
