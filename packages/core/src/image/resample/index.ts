// Pillow 9.4's Image.resize on 8-bit images, reproduced bit for bit: separable convolution with
// fixed-point coefficients (libImaging/Resample.c) and NEAREST through the affine scale
// (libImaging/Geometry.c). Written from the description of those algorithms, not copied.
import { RetinaError } from '../../errors.js';
import type { ChannelCount, RawImage } from '../raw-image.js';
import { planConvolution } from './convolution-plan.js';
import { isResampleFilter, KERNELS, Resample, VALID_CODES, type Kernel, type ResampleFilter } from './filters.js';
import { resizeNearest } from './nearest.js';
import { premultiply, unpremultiply } from './premultiply.js';
import type { ResizeJob } from './resize-job.js';
import { convolveScalar } from './scalar-kernel.js';
import { selectBands } from './select-bands.js';
import { convolveSimd } from './wasm-convolve.js';
import { releaseLargeKernelMemory, wasmKernel } from './wasm-instance.js';

export { parseResample, Resample, type ResampleFilter } from './filters.js';
export { setResampleWasmEnabled } from './wasm-instance.js';

/**
 * The most pixels a resize may produce, and hold between its two passes (source height x target
 * width): 2^26 (8192 x 8192), as many as an image may have by default.
 */
export const MAX_RESIZE_PIXELS = 2 ** 26;

/** The two-pass convolution, on the WebAssembly SIMD kernel where it compiled, else in TypeScript. */
function convolve(job: ResizeJob, kernel: Kernel): Uint8Array {
  const plan = planConvolution(job, kernel);
  const simd = wasmKernel();
  if (!simd) return convolveScalar(plan);
  try {
    return convolveSimd(simd, plan);
  } finally {
    releaseLargeKernelMemory();
  }
}

function checkSize(name: string, value: number): void {
  if (!Number.isInteger(value) || value <= 0) {
    throw new RetinaError(
      'INVALID_ARGUMENT',
      `resize ${name} must be a positive integer, got ${String(value)}; round the target size to a whole number of pixels of at least 1.`,
    );
  }
}

function checkArguments(image: RawImage, width: number, height: number, filter: number, bands: number): void {
  checkSize('width', width);
  checkSize('height', height);
  const intermediate = image.height * width;
  if (width * height > MAX_RESIZE_PIXELS || intermediate > MAX_RESIZE_PIXELS) {
    const what = width * height > MAX_RESIZE_PIXELS ? `${width * height} pixels` : `an intermediate of ${image.height}x${width} pixels`;
    throw new RetinaError(
      'INVALID_ARGUMENT',
      `resize of ${image.width}x${image.height} to ${width}x${height} needs ${what}, more than the limit of ${MAX_RESIZE_PIXELS} ` +
        '(8192x8192); ask for a smaller size (the "size" of an image processor is the usual source).',
    );
  }
  if (!isResampleFilter(filter)) {
    throw new RetinaError('INVALID_ARGUMENT', `resize filter ${String(filter)} is unknown; use one of ${VALID_CODES}.`);
  }
  if (!Number.isInteger(bands) || bands < 1 || bands > image.channels) {
    throw new RetinaError(
      'INVALID_ARGUMENT',
      `resize bands must be an integer from 1 to the image's ${image.channels} channels, got ${String(bands)}.`,
    );
  }
  if (image.data.length !== image.width * image.height * image.channels) {
    throw new RetinaError(
      'INVALID_ARGUMENT',
      `image data holds ${image.data.length} bytes but ${image.width}x${image.height}x${image.channels} needs ${image.width * image.height * image.channels}.`,
    );
  }
}

/**
 * Resizes like Pillow 9.4's `Image.resize((width, height), filter)` on an 8-bit image, bit for bit.
 * `bands` (default: all channels) keeps only the first `bands` channels of each pixel: an RGBA
 * image with `bands: 3` gives exactly `convert("RGB")` then resize, in one pass. Images with
 * alpha (2 or 4 channels, all kept) are resized premultiplied, as Pillow does for LA and RGBA.
 * Runs a WebAssembly SIMD kernel where one can be compiled, else portable TypeScript: same bytes.
 */
export function resize(
  image: RawImage,
  width: number,
  height: number,
  filter: ResampleFilter,
  options: { bands?: ChannelCount } = {},
): RawImage {
  const bands = options.bands ?? image.channels;
  checkArguments(image, width, height, filter, bands);
  const { width: srcWidth, height: srcHeight, channels } = image;
  const src = new Uint8Array(image.data.buffer, image.data.byteOffset, image.data.length);
  const job: ResizeJob = { src, srcWidth, srcHeight, srcStride: channels, bands, width, height };
  let data: Uint8Array;
  if (width === srcWidth && height === srcHeight) {
    data = selectBands(src, srcWidth, channels, bands, 0, srcHeight);
  } else if (filter === Resample.NEAREST) {
    data = resizeNearest(job);
  } else if (bands === channels && (bands === 2 || bands === 4)) {
    data = convolve({ ...job, src: premultiply(src, channels) }, KERNELS[filter]);
    unpremultiply(data, channels);
  } else {
    data = convolve(job, KERNELS[filter]);
  }
  return { data, width, height, channels: bands };
}
