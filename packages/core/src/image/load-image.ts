import { RetinaError } from '../errors.js';
import {
  imageDataToImage,
  isCanvasImageInput,
  isImageData,
  readableImageElementSource,
  readCanvasImageInput,
} from './browser/canvas-input.js';
import { decodeImageBytes } from './decode-bytes.js';
import type { ImageDecoderName } from './decoded-file.js';
import { applyExifOrientation } from './exif-orientation.js';
import type { ImageInput, RawPixels } from './image-input.js';
import {
  type DecodeContext,
  type DecodePurpose,
  DEFAULT_MAX_JPEG_SCANS,
  DEFAULT_MAX_PIXELS,
  type LoadImageOptions,
} from './load-options.js';
import { checkMaxJpegScansOption, checkMaxPixelsOption } from './pixel-budget.js';
import { rawPixelsToImage } from './raw-pixels.js';
import type { RawImage } from './raw-image.js';
import { readSource } from './read-source.js';

export type { LoadImageOptions } from './load-options.js';
export { DEFAULT_MAX_JPEG_SCANS, DEFAULT_MAX_PIXELS } from './load-options.js';

const ACCEPTED =
  'Pass a URL or file path, a Blob/File, an ArrayBuffer or Uint8Array of PNG/JPEG bytes, ImageData, ' +
  'an ImageBitmap, <img>, canvas, OffscreenCanvas or VideoFrame, or pixels as {data, width, height, channels}.';

const MODE_NAMES = ['', 'L', 'LA', 'RGB', 'RGBA'];

function looksLikeRawPixels(input: object): input is RawPixels {
  return 'data' in input && 'width' in input && 'height' in input;
}

function asEncodedBytes(input: unknown): Uint8Array | undefined {
  if (input instanceof ArrayBuffer) return new Uint8Array(input);
  if (input instanceof Uint8Array || input instanceof Uint8ClampedArray || input instanceof DataView) {
    return new Uint8Array(input.buffer, input.byteOffset, input.byteLength);
  }
  return undefined;
}

function unusableInput(input: unknown): RetinaError {
  if (ArrayBuffer.isView(input)) {
    return new RetinaError(
      'INVALID_ARGUMENT',
      `A bare ${input.constructor.name} is neither file bytes nor pixels with a size. ` +
        'For pixels pass {data, width, height, channels}; for a file pass its bytes as a Uint8Array.',
    );
  }
  const kind = input === null ? 'null' : typeof input === 'object' ? (input.constructor?.name ?? 'object') : typeof input;
  return new RetinaError('INVALID_ARGUMENT', `Cannot load an image from ${kind}. ${ACCEPTED}`);
}

/** An input's pixels and the decoder that gave them. */
export interface LoadedImage {
  image: RawImage;
  decoder: ImageDecoderName;
}

async function decodeFile(bytes: Uint8Array, context: DecodeContext): Promise<LoadedImage> {
  context.signal?.throwIfAborted();
  const { image, exifOrientation, decoder } = await decodeImageBytes(bytes, context);
  return { image: context.applyExifOrientation && exifOrientation ? applyExifOrientation(image, exifOrientation) : image, decoder };
}

function undecoded(image: RawImage): LoadedImage {
  return { image, decoder: 'none' };
}

async function toRawImage(input: ImageInput, context: DecodeContext): Promise<LoadedImage> {
  if (typeof input === 'string') return decodeFile(await readSource(input, context), context);
  if (typeof Blob !== 'undefined' && input instanceof Blob) return decodeFile(new Uint8Array(await input.arrayBuffer()), context);
  const bytes = asEncodedBytes(input);
  if (bytes) return decodeFile(bytes, context);
  if (isImageData(input)) return undecoded(imageDataToImage(input, context.maxPixels));
  const file = context.imageElement === 'file' ? readableImageElementSource(input) : undefined;
  if (file !== undefined) return decodeFile(await readSource(file, context), context);
  if (isCanvasImageInput(input)) return undecoded(await readCanvasImageInput(input, context.maxPixels));
  if (typeof input === 'object' && input !== null && looksLikeRawPixels(input)) {
    return undecoded(rawPixelsToImage(input, context.maxPixels, context.purpose));
  }
  throw unusableInput(input);
}

function checkChoice<T extends string>(name: string, value: unknown, choices: readonly T[]): asserts value is T {
  if (!choices.includes(value as T)) {
    throw new RetinaError(
      'INVALID_ARGUMENT',
      `${name} must be ${choices.map((c) => `'${c}'`).join(' or ')}, not ${JSON.stringify(value)}.`,
    );
  }
}

async function load(input: ImageInput, options: LoadImageOptions, purpose: DecodePurpose): Promise<LoadedImage> {
  const maxPixels = options.maxPixels ?? DEFAULT_MAX_PIXELS;
  checkMaxPixelsOption(maxPixels);
  const maxJpegScans = options.maxJpegScans ?? DEFAULT_MAX_JPEG_SCANS;
  checkMaxJpegScansOption(maxJpegScans);
  const jpegDecoder = options.jpegDecoder ?? 'auto';
  checkChoice('jpegDecoder', jpegDecoder, ['auto', 'wasm']);
  const imageElement = options.imageElement ?? 'file';
  checkChoice('imageElement', imageElement, ['file', 'rendered']);
  const context: DecodeContext = {
    purpose,
    keepOpaqueAlpha: options.keepOpaqueAlpha ?? false,
    applyExifOrientation: options.applyExifOrientation ?? false,
    maxPixels,
    maxJpegScans,
    jpegDecoder,
    imageElement,
    signal: options.signal,
    fetch: options.fetch,
  };
  context.signal?.throwIfAborted();
  const loaded = await toRawImage(input, context);
  context.signal?.throwIfAborted();
  return loaded;
}

/** {@link loadImage}, also telling which decoder gave the pixels (for pipelines' timings). */
export function loadImageWithDecoder(input: ImageInput, options: LoadImageOptions = {}): Promise<LoadedImage> {
  return load(input, options, 'image');
}

/**
 * Decodes any supported input into 8-bit pixels exactly as Pillow opens the file: L → 1 channel,
 * LA → 2, RGB → 3 (or 4, alpha 255, with `keepOpaqueAlpha`), RGBA → 4, palette → RGB. Canvas-backed
 * inputs give RGBA.
 * Rejects with a {@link RetinaError} (or the signal's reason when aborted).
 */
export async function loadImage(input: ImageInput, options: LoadImageOptions = {}): Promise<RawImage> {
  return (await load(input, options, 'image')).image;
}

/**
 * Loads a segmentation map as one channel of class indices, as `numpy.array(PIL.Image.open(f))`
 * gives it: palette PNGs yield their palette indices, grayscale its values. Multi-channel maps are
 * rejected.
 */
export async function loadLabelMap(input: ImageInput, options: LoadImageOptions = {}): Promise<RawImage> {
  const { image: map } = await load(input, { ...options, keepOpaqueAlpha: false }, 'labels');
  if (map.channels !== 1) {
    throw new RetinaError(
      'INVALID_IMAGE',
      `The label map has ${map.channels} channels (${MODE_NAMES[map.channels]}); a segmentation map must be one channel of class indices. ` +
        'Save it as an 8-bit grayscale (L) or palette (P) PNG, or pass {data, width, height, channels: 1}.',
    );
  }
  return map;
}
