import { RetinaError } from '../errors.js';
import { MAX_RESIZE_PIXELS } from '../image/resample/index.js';
import type { Tensor } from '../tensor.js';

/** A per-pixel depth map (relative inverse depth for MiDaS-style models), row-major. */
export interface DepthMap {
  width: number;
  height: number;
  data: Float32Array;
}

/** A depth map as an 8-bit grayscale image: 255 at the map's maximum. */
export interface DepthImage {
  width: number;
  height: number;
  data: Uint8Array;
}

export interface DepthEstimation {
  /** The model's depth, interpolated to the target size. */
  predictedDepth: DepthMap;
  /** `predictedDepth · 255 / max`, truncated to bytes, clamped at 0. */
  depth: DepthImage;
}

/** PyTorch's cubic convolution constant (Keys, a = −0.75). */
const A = Math.fround(-0.75);

/** The cubic kernel for |x| ≤ 1 and for 1 < |x| < 2, in float32 as PyTorch's get_cubic_upsample_coefficients. */
const near = (x: number) => Math.fround(Math.fround(Math.fround(Math.fround(Math.fround(A + 2) * x) - Math.fround(A + 3)) * x) * x) + 1;
const far = (x: number) =>
  Math.fround(Math.fround(Math.fround(Math.fround(Math.fround(A * x) - Math.fround(5 * A)) * x) + Math.fround(8 * A)) * x) -
  Math.fround(4 * A);

/** Per output index along one axis: the four source indices (clamped to the border) and their weights. */
export interface CubicTaps {
  index: Int32Array;
  weight: Float32Array;
}

/** Taps of PyTorch's bicubic with align_corners=False: source x = (d + 0.5)·in/out − 0.5, no clamp before the taps. */
export function cubicTaps(inSize: number, outSize: number): CubicTaps {
  const taps = { index: new Int32Array(outSize * 4), weight: new Float32Array(outSize * 4) };
  const scale = Math.fround(inSize / outSize);
  for (let d = 0; d < outSize; d++) {
    const real = Math.fround(Math.fround(scale * Math.fround(d + 0.5)) - 0.5);
    const start = Math.min(Math.floor(real), inSize - 1);
    const t = Math.min(Math.max(Math.fround(real - start), 0), 1);
    const u = Math.fround(1 - t);
    const weights = [
      Math.fround(far(Math.fround(t + 1))),
      Math.fround(near(t)),
      Math.fround(near(u)),
      Math.fround(far(Math.fround(u + 1))),
    ];
    for (let k = 0; k < 4; k++) {
      taps.index[d * 4 + k] = Math.max(Math.min(start - 1 + k, inSize - 1), 0);
      taps.weight[d * 4 + k] = weights[k]!;
    }
  }
  return taps;
}

/**
 * `F.interpolate(x, size=(outH, outW), mode="bicubic", align_corners=False)` of one [inH, inW] map, in float32:
 * Keys' cubic (a = −0.75), taps beyond the border read the edge pixel, no antialiasing. Matches PyTorch 1.13's
 * CPU kernel to within 1e-5 on the fixtures (it sums in another order; see the test).
 */
export function bicubicResize(map: Float32Array, inH: number, inW: number, outH: number, outW: number): Float32Array {
  const ys = cubicTaps(inH, outH);
  const xs = cubicTaps(inW, outW);
  const out = new Float32Array(outH * outW);
  for (let y = 0; y < outH; y++) {
    for (let x = 0; x < outW; x++) {
      let sum = 0;
      for (let j = 0; j < 4; j++) {
        const row = ys.index[y * 4 + j]! * inW;
        let line = 0;
        for (let i = 0; i < 4; i++) line = Math.fround(line + Math.fround(map[row + xs.index[x * 4 + i]!]! * xs.weight[x * 4 + i]!));
        sum = Math.fround(sum + Math.fround(line * ys.weight[y * 4 + j]!));
      }
      out[y * outW + x] = sum;
    }
  }
  return out;
}

/**
 * The 8-bit image of a depth map as the reference pipeline makes it, `(map * 255 / max(map)).astype("uint8")` in
 * float32, except that values below 0 (bicubic overshoot next to regions the model clipped to 0) give 0 where
 * NumPy's cast wraps them to near-white bytes. A map whose maximum is not above 0 gives a black image.
 */
export function depthToBytes(map: Float32Array): Uint8Array {
  let max = -Infinity;
  for (const value of map) if (value > max) max = value;
  const bytes = new Uint8Array(map.length);
  if (!(max > 0)) return bytes;
  const top = Math.fround(max);
  for (let i = 0; i < map.length; i++) {
    const scaled = Math.trunc(Math.fround(Math.fround(map[i]! * 255) / top));
    bytes[i] = scaled <= 0 ? 0 : Math.min(scaled, 255);
  }
  return bytes;
}

/**
 * Depth estimation post-processing as the reference's `depth-estimation` pipeline: per image, `predicted_depth`
 * [batch, h, w] interpolated bicubically to the target [height, width] (the image's size), then its 8-bit image.
 * Without target sizes the maps keep the model's resolution.
 */
export function postProcessDepthEstimation(
  predictedDepth: Tensor<'float32'>,
  targetSizes?: ReadonlyArray<readonly [number, number]>,
): DepthEstimation[] {
  const sizes = checkDepthShapes(predictedDepth.dims, targetSizes);
  const [, inH, inW] = predictedDepth.dims as [number, number, number];
  return sizes.map(([height, width], b) => {
    const map = predictedDepth.data.subarray(b * inH * inW, (b + 1) * inH * inW);
    const data = height === inH && width === inW ? map.slice() : bicubicResize(map, inH, inW, height, width);
    return depthEstimation(data, height, width);
  });
}

/** The result for a map already at its target size. */
export function depthEstimation(data: Float32Array, height: number, width: number): DepthEstimation {
  return { predictedDepth: { width, height, data }, depth: { width, height, data: depthToBytes(data) } };
}

/** Checks `predicted_depth` [batch, h, w] and the target sizes; returns one [height, width] per image (default the map's own). */
export function checkDepthShapes(
  dims: readonly number[],
  targetSizes?: ReadonlyArray<readonly [number, number]>,
): ReadonlyArray<readonly [number, number]> {
  if (dims.length !== 3) {
    throw new RetinaError('INVALID_ARGUMENT', `predicted_depth must be [batch, height, width], got [${dims.join(', ')}].`);
  }
  const [batch, inH, inW] = dims as [number, number, number];
  if (targetSizes && targetSizes.length !== batch) {
    throw new RetinaError(
      'INVALID_ARGUMENT',
      `Got ${targetSizes.length} target sizes for a batch of ${batch}; pass one [height, width] per image.`,
    );
  }
  const sizes = targetSizes ?? Array.from({ length: batch }, () => [inH, inW] as const);
  for (const [height, width] of sizes) checkTargetSize(height, width);
  return sizes;
}

function checkTargetSize(height: number, width: number): void {
  if (!Number.isInteger(height) || !Number.isInteger(width) || height <= 0 || width <= 0) {
    throw new RetinaError('INVALID_ARGUMENT', `Target size [${height}, ${width}] must be two positive integers [height, width].`);
  }
  if (height * width > MAX_RESIZE_PIXELS) {
    throw new RetinaError(
      'INVALID_ARGUMENT',
      `Target size [${height}, ${width}] is ${height * width} pixels, more than the limit of ${MAX_RESIZE_PIXELS} (8192x8192); ask for a smaller size.`,
    );
  }
}
