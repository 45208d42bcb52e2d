import { RetinaError } from '../errors.js';
import type { Tensor } from '../tensor.js';

/** A per-pixel class map, row-major. */
export interface LabelMap {
  width: number;
  height: number;
  data: Int32Array;
}

/** Where one output pixel reads along one axis: two source indices and their weights. */
export interface AxisTaps {
  i0: Int32Array;
  i1: Int32Array;
  w0: Float32Array;
  w1: Float32Array;
}

/**
 * Source taps of PyTorch's bilinear interpolation with align_corners=False, in float32 as its CPU
 * kernel computes them: src = scale * (dst + 0.5) - 0.5, clamped at 0.
 */
export function bilinearTaps(inSize: number, outSize: number): AxisTaps {
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

/** Checks logits dims and target sizes; gives `[batch, classes, height, width]`. */
export function checkSegmentationShapes(
  dims: readonly number[],
  targetSizes: ReadonlyArray<readonly [number, number]> | undefined,
): [number, number, number, number] {
  if (dims.length !== 4) {
    throw new RetinaError('INVALID_ARGUMENT', `Segmentation logits must be [batch, classes, height, width], got [${dims.join(', ')}].`);
  }
  const batch = dims[0]!;
  if (targetSizes && targetSizes.length !== batch) {
    throw new RetinaError(
      'INVALID_ARGUMENT',
      `Got ${targetSizes.length} target sizes for a batch of ${batch}; pass one [height, width] per image.`,
    );
  }
  for (const [outH, outW] of targetSizes ?? []) {
    if (!Number.isInteger(outH) || !Number.isInteger(outW) || outH <= 0 || outW <= 0) {
      throw new RetinaError('INVALID_ARGUMENT', `Target size [${outH}, ${outW}] must be two positive integers [height, width].`);
    }
  }
  return dims as [number, number, number, number];
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
  const [batch, classes, inH, inW] = checkSegmentationShapes(logits.dims, targetSizes);
  const maps: LabelMap[] = [];
  for (let b = 0; b < batch; b++) {
    const image = logits.data.subarray(b * classes * inH * inW, (b + 1) * classes * inH * inW);
    const size = targetSizes?.[b];
    maps.push(size ? upsampledArgmax(image, classes, inH, inW, size[0], size[1]) : argmax(image, classes, inH * inW, inW));
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

/** Contiguous output ranges that read the same two source indices. */
function sameTapRuns(taps: AxisTaps): Array<{ start: number; end: number }> {
  const runs: Array<{ start: number; end: number }> = [];
  for (let d = 0; d < taps.i0.length; d++) {
    const last = runs[runs.length - 1];
    if (last && taps.i0[d] === taps.i0[last.start] && taps.i1[d] === taps.i1[last.start]) last.end = d + 1;
    else runs.push({ start: d, end: d + 1 });
  }
  return runs;
}

/**
 * The classes that can win somewhere between four source pixels. Each output pixel there is a
 * convex mix of the four, so the winner scores at least the best class's worst corner (`floor`);
 * a class whose best corner stays clearly below that floor cannot win, even after float32
 * rounding of the mix.
 */
function candidateClasses(scores: Float32Array, classes: number, plane: number, corners: readonly number[], out: Int32Array): number {
  let floor = -Infinity;
  for (let c = 0, base = 0; c < classes; c++, base += plane) {
    const worst = Math.min(
      scores[base + corners[0]!]!,
      scores[base + corners[1]!]!,
      scores[base + corners[2]!]!,
      scores[base + corners[3]!]!,
    );
    if (worst > floor) floor = worst;
  }
  const threshold = floor - 1e-4 * (1 + Math.abs(floor));
  let count = 0;
  for (let c = 0, base = 0; c < classes; c++, base += plane) {
    const best = Math.max(
      scores[base + corners[0]!]!,
      scores[base + corners[1]!]!,
      scores[base + corners[2]!]!,
      scores[base + corners[3]!]!,
    );
    if (best >= threshold) out[count++] = c;
  }
  return count;
}

/**
 * Bilinear upsampling then argmax, without materialising the upsampled scores: for each block of
 * output pixels that reads the same four source pixels, only the classes that can win there are
 * interpolated, in PyTorch's float32 order (ties go to the lower class id, as argmax does).
 */
function upsampledArgmax(scores: Float32Array, classes: number, inH: number, inW: number, outH: number, outW: number): LabelMap {
  const ys = bilinearTaps(inH, outH);
  const xs = bilinearTaps(inW, outW);
  const plane = inH * inW;
  const data = new Int32Array(outH * outW);
  const candidates = new Int32Array(classes);
  const xRuns = sameTapRuns(xs);
  for (const yRun of sameTapRuns(ys)) {
    const r0 = ys.i0[yRun.start]! * inW;
    const r1 = ys.i1[yRun.start]! * inW;
    for (const xRun of xRuns) {
      const x0 = xs.i0[xRun.start]!;
      const x1 = xs.i1[xRun.start]!;
      const count = candidateClasses(scores, classes, plane, [r0 + x0, r0 + x1, r1 + x0, r1 + x1], candidates);
      for (let y = yRun.start; y < yRun.end; y++) {
        const row = data.subarray(y * outW, (y + 1) * outW);
        if (count === 1) {
          row.fill(candidates[0]!, xRun.start, xRun.end);
          continue;
        }
        const wy0 = ys.w0[y]!;
        const wy1 = ys.w1[y]!;
        for (let x = xRun.start; x < xRun.end; x++) {
          const wx0 = xs.w0[x]!;
          const wx1 = xs.w1[x]!;
          let best = -Infinity;
          let label = candidates[0]!;
          for (let k = 0; k < count; k++) {
            const base = candidates[k]! * plane;
            const top = Math.fround(Math.fround(scores[base + r0 + x0]! * wx0) + Math.fround(scores[base + r0 + x1]! * wx1));
            const bottom = Math.fround(Math.fround(scores[base + r1 + x0]! * wx0) + Math.fround(scores[base + r1 + x1]! * wx1));
            const v = Math.fround(Math.fround(top * wy0) + Math.fround(bottom * wy1));
            if (v > best) {
              best = v;
              label = candidates[k]!;
            }
          }
          row[x] = label;
        }
      }
    }
  }
  return { width: outW, height: outH, data };
}
