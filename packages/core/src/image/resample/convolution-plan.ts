// Pillow's two-pass resample: horizontal over the rows the vertical pass needs, then vertical.
// The plan holds what both passes need; the scalar and WebAssembly kernels each carry it out.
import { computeCoefficients, type CoefficientTable } from './coefficients.js';
import type { Kernel } from './filters.js';
import type { ResizeJob } from './resize-job.js';

/** What the two passes need; a null table means Pillow skips that pass (size unchanged). */
export interface ConvolutionPlan {
  src: Uint8Array;
  srcWidth: number;
  srcStride: number;
  bands: number;
  /** Source rows the vertical pass reads; `vertical.first` is relative to rowStart. */
  rowStart: number;
  rows: number;
  /** Output width of the horizontal pass: the target width, or srcWidth when that pass is skipped. */
  outWidth: number;
  horizontal: CoefficientTable | null;
  vertical: CoefficientTable | null;
}

export function planConvolution(job: ResizeJob, kernel: Kernel): ConvolutionPlan {
  const { src, srcWidth, srcHeight, srcStride, bands, width, height } = job;
  const vertical = computeCoefficients(srcHeight, height, kernel);
  const rowStart = vertical.first[0]!;
  const rows = vertical.first[height - 1]! + vertical.count[height - 1]! - rowStart;
  for (let y = 0; y < height; y++) vertical.first[y] = vertical.first[y]! - rowStart;
  const horizontal = width === srcWidth ? null : computeCoefficients(srcWidth, width, kernel);
  return { src, srcWidth, srcStride, bands, rowStart, rows, outWidth: width, horizontal, vertical: height === srcHeight ? null : vertical };
}
