import jpeg from 'jpeg-js';
import { RetinaError } from '../../errors.js';
import type { DecodedFile } from '../decoded-file.js';
import { readExifOrientation } from '../exif-orientation.js';
import { type JpegStructure, readJpegStructure } from './jpeg-structure.js';
import type { DecodeContext } from '../load-options.js';
import { checkImageSize } from '../pixel-budget.js';

/** Coefficient blocks, component planes and output stay under this per pixel; the rest is slack. */
const DECODER_BYTES_PER_PIXEL = 32;
const DECODER_SLACK_MB = 64;

/** Reads the JPEG's layout and checks its size against `maxPixels`, before any pixel is decoded. */
export function inspectJpeg(bytes: Uint8Array, context: DecodeContext): JpegStructure {
  const structure = readJpegStructure(bytes);
  checkImageSize(structure.width, structure.height, context.maxPixels, 'The JPEG');
  return structure;
}

/** Keeps every `stride`-th byte: the gray channel of gray pixels that were replicated to RGB. */
export function takeEveryNth(data: Uint8Array | Uint8ClampedArray, stride: number): Uint8Array {
  const out = new Uint8Array(data.length / stride);
  for (let i = 0; i < out.length; i++) out[i] = data[i * stride]!;
  return out;
}

/**
 * Decodes a JPEG with jpeg-js: grayscale → 1 channel (Pillow's L), YCbCr/RGB → 3, CMYK/YCCK →
 * RGB. Pixels can differ from Pillow's libjpeg by a few levels (IDCT and chroma upsampling differ).
 */
export function decodeJpeg(bytes: Uint8Array, context: DecodeContext): DecodedFile {
  const structure = inspectJpeg(bytes, context);
  const { width, height, components } = structure;
  let rgb: Uint8Array;
  try {
    rgb = jpeg.decode(bytes, {
      useTArray: true,
      formatAsRGBA: false,
      maxResolutionInMP: context.maxPixels / 1e6,
      maxMemoryUsageInMB: Math.ceil((width * height * DECODER_BYTES_PER_PIXEL) / 2 ** 20) + DECODER_SLACK_MB,
    }).data;
  } catch (cause) {
    const problem = cause instanceof Error ? cause.message : String(cause);
    throw new RetinaError(
      'IMAGE_DECODE_FAILED',
      `The JPEG could not be decoded (${components} components): ${problem}. ` +
        'The file is damaged or uses a JPEG variant the decoder lacks (e.g. lossless, 12-bit); convert it to a baseline JPEG or PNG.',
      { cause },
    );
  }
  const image =
    components === 1
      ? { data: takeEveryNth(rgb, 3), width, height, channels: 1 as const }
      : { data: rgb, width, height, channels: 3 as const };
  return { image, exifOrientation: structure.exif && readExifOrientation(structure.exif) };
}
