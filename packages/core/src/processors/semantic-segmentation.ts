import { RetinaError } from '../errors.js';
import type { Tensor } from '../tensor.js';

/** A per-pixel class map, row-major. */
export interface LabelMap {
  width: number;
  height: number;
  data: Int32Array;
}

/** Where one output pixel reads along one axis: two source indices and their weights. */
interface AxisTaps {
  i0: Int32Array;
  i1: Int32Array;
  w0: Float32Array;
  w1: Float32Array;
}

/**
 * Source taps of PyTorch's bilinear interpolation with align_corners=False, in float32 as its CPU
 * kernel computes them: src = scale * (dst + 0.5) - 0.5, clamped at 0.
 */
function bilinearTaps(inSize: number, outSize: number): AxisTaps {
  const taps = { i0: new Int32Array(outSize), i1: new Int32Array(outSize), w0: new Float32Array(outSize), w1: new Float32Array(outSize) };
  const scale = Math.fround(inSize / outSize);
  for (let d = 0; d < outSize; d++) {
    const src = Math.max(0, Math.fround(Math.fround(scale * Math.fround(d + 0.5)) - 0.5));
    const i0 = Math.floor(src);
    const w1 = Math.min(Math.max(Math.fround(src - i0), 0), 1);
    taps.i0[d] = i0;
    taps.i1[d] = i0 < inSize - 1 ? i0 + 1 : i0;
    taps.w1[d] = w1;
    taps.w0[d] = Math.fround(1 - w1);
  }
  return taps;
}

/**
 * Semantic segmentation as the reference's `post_process_semantic_segmentation`: per image, the
 * logits `[batch, classes, h, w]` are upsampled bilinearly (align_corners=False) to the target
 * `[height, width]`, then the best class of every pixel is taken (first one on ties). Without
 * target sizes the argmax runs at the logits' own resolution.
 */
export function postProcessSemanticSegmentation(
  logits: Tensor<'float32'>,
  targetSizes?: ReadonlyArray<readonly [number, number]>,
): LabelMap[] {
  if (logits.dims.length !== 4) {
    throw new RetinaError('INVALID_ARGUMENT', `Segmentation logits must be [batch, classes, height, width], got [${logits.dims.join(', ')}].`);
  }
  const [batch, classes, inH, inW] = logits.dims as [number, number, number, number];
  if (targetSizes && targetSizes.length !== batch) {
    throw new RetinaError(
      'INVALID_ARGUMENT',
      `Got ${targetSizes.length} target sizes for a batch of ${batch}; pass one [height, width] per image.`,
    );
  }
  const maps: LabelMap[] = [];
  for (let b = 0; b < batch; b++) {
    const [outH, outW] = targetSizes ? targetSizes[b]! : [inH, inW];
    if (!Number.isInteger(outH) || !Number.isInteger(outW) || outH <= 0 || outW <= 0) {
      throw new RetinaError('INVALID_ARGUMENT', `Target size [${outH}, ${outW}] must be two positive integers [height, width].`);
    }
    const image = logits.data.subarray(b * classes * inH * inW, (b + 1) * classes * inH * inW);
    maps.push(targetSizes ? upsampledArgmax(image, classes, inH, inW, outH, outW) : argmax(image, classes, inH * inW, inW));
  }
  return maps;
}

function argmax(scores: Float32Array, classes: number, pixels: number, width: number): LabelMap {
  const data = new Int32Array(pixels);
  const best = scores.slice(0, pixels);
  for (let c = 1; c < classes; c++) {
    const plane = c * pixels;
    for (let p = 0; p < pixels; p++) {
      const v = scores[plane + p]!;
      if (v > best[p]!) {
        best[p] = v;
        data[p] = c;
      }
    }
  }
  return { width, height: pixels / width, data };
}

function upsampledArgmax(scores: Float32Array, classes: number, inH: number, inW: number, outH: number, outW: number): LabelMap {
  const ys = bilinearTaps(inH, outH);
  const xs = bilinearTaps(inW, outW);
  const data = new Int32Array(outH * outW);
  const best = new Float32Array(outW);
  const row0 = new Float32Array(outW);
  const row1 = new Float32Array(outW);
  for (let y = 0; y < outH; y++) {
    const wy0 = ys.w0[y]!;
    const wy1 = ys.w1[y]!;
    for (let c = 0; c < classes; c++) {
      const plane = c * inH * inW;
      interpolateRow(scores, plane + ys.i0[y]! * inW, xs, row0);
      interpolateRow(scores, plane + ys.i1[y]! * inW, xs, row1);
      const labels = data.subarray(y * outW, (y + 1) * outW);
      for (let x = 0; x < outW; x++) {
        const v = Math.fround(Math.fround(row0[x]! * wy0) + Math.fround(row1[x]! * wy1));
        if (c === 0 || v > best[x]!) {
          best[x] = v;
          labels[x] = c;
        }
      }
    }
  }
  return { width: outW, height: outH, data };
}

function interpolateRow(scores: Float32Array, rowStart: number, xs: AxisTaps, out: Float32Array): void {
  for (let x = 0; x < out.length; x++) {
    out[x] = Math.fround(scores[rowStart + xs.i0[x]!]! * xs.w0[x]!) + Math.fround(scores[rowStart + xs.i1[x]!]! * xs.w1[x]!);
  }
}
