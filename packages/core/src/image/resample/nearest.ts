// NEAREST, as Pillow's affine scale does it (libImaging/Geometry.c): output pixel centres are
// mapped through the scale, accumulating the position in double precision pixel after pixel
// (the rounding of that sum decides ties).
import type { ResizeJob } from './resize-job.js';

function nearestIndices(inSize: number, outSize: number): Int32Array {
  const step = inSize / outSize;
  const indices = new Int32Array(outSize);
  let position = step * 0.5;
  for (let i = 0; i < outSize; i++) {
    // Out-of-range positions would be filled with zeros; -1 marks them.
    const index = position < 0 ? -1 : Math.trunc(position);
    indices[i] = index < inSize ? index : -1;
    position += step;
  }
  return indices;
}

export function resizeNearest(job: ResizeJob): Uint8Array {
  const { src, srcWidth, srcHeight, srcStride, bands, width, height } = job;
  const xs = nearestIndices(srcWidth, width);
  const ys = nearestIndices(srcHeight, height);
  const out = new Uint8Array(width * height * bands);
  for (let y = 0; y < height; y++) {
    if (ys[y]! < 0) continue;
    const rowBase = ys[y]! * srcWidth * srcStride;
    for (let x = 0, o = y * width * bands; x < width; x++, o += bands) {
      if (xs[x]! < 0) continue;
      const p = rowBase + xs[x]! * srcStride;
      for (let c = 0; c < bands; c++) out[o + c] = src[p + c]!;
    }
  }
  return out;
}
