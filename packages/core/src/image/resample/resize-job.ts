/**
 * One resize, as the NEAREST and convolution paths take it: interleaved 8-bit pixels, `srcStride`
 * bytes per source pixel, of which the first `bands` are kept in the output.
 */
export interface ResizeJob {
  src: Uint8Array;
  srcWidth: number;
  srcHeight: number;
  srcStride: number;
  bands: number;
  width: number;
  height: number;
}
