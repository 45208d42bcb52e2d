// The convolution passes in portable TypeScript. Outputs are written through Uint8ClampedArray
// views: storing the integer `sum >> PRECISION_BITS` there clips it to 0..255 exactly like
// Pillow's clip8.
import { HALF, PRECISION_BITS, type CoefficientTable } from './coefficients.js';
import type { ConvolutionPlan } from './convolution-plan.js';
import { selectBands } from './select-bands.js';

/**
 * Horizontal pass over source rows [rowStart, rowStart + rows): reads `bands` channels of pixels
 * `srcStride` bytes apart and writes packed `bands`-channel rows of `table.first.length` pixels.
 */
function resampleHorizontal(
  src: Uint8Array,
  srcWidth: number,
  srcStride: number,
  bands: number,
  rowStart: number,
  rows: number,
  table: CoefficientTable,
): Uint8ClampedArray {
  const outWidth = table.first.length;
  const out = new Uint8ClampedArray(outWidth * rows * bands);
  const { first, count, weights, stride } = table;
  for (let y = 0; y < rows; y++) {
    const rowBase = (rowStart + y) * srcWidth * srcStride;
    let o = y * outWidth * bands;
    for (let x = 0; x < outWidth; x++) {
      const start = rowBase + first[x]! * srcStride;
      const n = count[x]!;
      const w0 = x * stride;
      for (let c = 0; c < bands; c++) {
        let sum = HALF;
        for (let i = 0, p = start + c; i < n; i++, p += srcStride) sum += src[p]! * weights[w0 + i]!;
        out[o++] = sum >> PRECISION_BITS;
      }
    }
  }
  return out;
}

/** Vertical pass: `rowLength` bytes per row; `table.first` indexes rows of `src`. */
function resampleVertical(src: Uint8Array | Uint8ClampedArray, rowLength: number, table: CoefficientTable): Uint8ClampedArray {
  const outHeight = table.first.length;
  const out = new Uint8ClampedArray(rowLength * outHeight);
  const sums = new Int32Array(rowLength);
  const { first, count, weights, stride } = table;
  for (let y = 0; y < outHeight; y++) {
    sums.fill(HALF);
    const n = count[y]!;
    for (let i = 0; i < n; i++) {
      const k = weights[y * stride + i]!;
      const base = (first[y]! + i) * rowLength;
      for (let j = 0; j < rowLength; j++) sums[j] = sums[j]! + src[base + j]! * k;
    }
    const o = y * rowLength;
    for (let j = 0; j < rowLength; j++) out[o + j] = sums[j]! >> PRECISION_BITS;
  }
  return out;
}

export function convolveScalar(plan: ConvolutionPlan): Uint8Array {
  const { src, srcWidth, srcStride, bands, rowStart, rows, outWidth, horizontal, vertical } = plan;
  const firstPass = horizontal
    ? resampleHorizontal(src, srcWidth, srcStride, bands, rowStart, rows, horizontal)
    : selectBands(src, srcWidth, srcStride, bands, rowStart, rows);
  const result = vertical ? resampleVertical(firstPass, outWidth * bands, vertical) : firstPass;
  return new Uint8Array(result.buffer, result.byteOffset, result.length);
}
