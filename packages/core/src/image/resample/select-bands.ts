/** Copies `bands` channels of rows [rowStart, rowStart + rows) into packed rows. */
export function selectBands(src: Uint8Array, width: number, srcStride: number, bands: number, rowStart: number, rows: number): Uint8Array {
  const start = rowStart * width * srcStride;
  if (srcStride === bands) return src.slice(start, start + rows * width * bands);
  const out = new Uint8Array(width * rows * bands);
  for (let p = start, o = 0; o < out.length; p += srcStride) {
    for (let c = 0; c < bands; c++) out[o++] = src[p + c]!;
  }
  return out;
}
