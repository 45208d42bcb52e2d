import { RetinaError } from '../../errors.js';
import type { DecodedFile } from '../decoded-file.js';
import { readExifOrientation } from '../exif-orientation.js';
import type { DecodeContext } from '../load-options.js';
import { checkImageSize, checkJpegScans } from '../pixel-budget.js';
import type { RawImage } from '../raw-image.js';
import { jpegCmykToRgb } from './cmyk-to-rgb.js';
import { type JpegStructure, readJpegStructure } from './jpeg-structure.js';
import { decodeWithLibjpegTurbo } from './libjpeg-turbo.js';

/**
 * Reads the JPEG's layout and checks its size against `maxPixels` and its scans against `maxJpegScans`,
 * before any pixel is decoded, by libjpeg-turbo or the browser.
 */
export function inspectJpeg(bytes: Uint8Array, context: Pick<DecodeContext, 'maxPixels' | 'maxJpegScans'>): JpegStructure {
  const structure = readJpegStructure(bytes);
  checkImageSize(structure.width, structure.height, context.maxPixels, 'The JPEG');
  checkJpegScans(structure.scans, context.maxJpegScans);
  return structure;
}

/** Keeps every `stride`-th byte: the gray channel of gray pixels that were replicated to RGB. */
export function takeEveryNth(data: Uint8Array | Uint8ClampedArray, stride: number): Uint8Array {
  const out = new Uint8Array(data.length / stride);
  for (let i = 0; i < out.length; i++) out[i] = data[i * stride]!;
  return out;
}

async function decodePixels(bytes: Uint8Array, structure: JpegStructure): Promise<RawImage> {
  try {
    const { data, width, height, channels } = await decodeWithLibjpegTurbo(bytes);
    return channels === 4 ? { data: jpegCmykToRgb(data), width, height, channels: 3 } : { data, width, height, channels };
  } catch (cause) {
    if (cause instanceof RetinaError) throw cause;
    throw new RetinaError(
      'IMAGE_DECODE_FAILED',
      `The JPEG could not be decoded (${structure.components} components): ${(cause as Error).message}. ` +
        'The file is damaged or uses a JPEG variant the decoder lacks (e.g. lossless, 12-bit); convert it to a baseline JPEG or PNG.',
      { cause },
    );
  }
}

/**
 * Decodes a JPEG with libjpeg-turbo (WebAssembly) as Pillow does: grayscale → 1 channel (L),
 * YCbCr/RGB → 3, CMYK/YCCK → RGB as `convert('RGB')` gives it.
 */
export async function decodeJpeg(bytes: Uint8Array, context: DecodeContext, structure = inspectJpeg(bytes, context)): Promise<DecodedFile> {
  const image = await decodePixels(bytes, structure);
  return { image, exifOrientation: structure.exif && readExifOrientation(structure.exif), decoder: 'wasm' };
}
