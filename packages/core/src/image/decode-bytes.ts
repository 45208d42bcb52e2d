import { RetinaError } from '../errors.js';
import { canDecodeInBrowser, decodeInBrowser } from './browser/browser-decode.js';
import type { DecodedFile } from './decoded-file.js';
import { sniffImageFormat, unrecognisedFormatError } from './image-format.js';
import { decodeJpeg } from './jpeg/jpeg-decode.js';
import type { DecodeContext } from './load-options.js';
import { decodePng } from './png/png-decode.js';

/**
 * Decodes an encoded image file. PNG goes through Retina's exact decoder, which hands 8-bit gray
 * and RGB files to the platform's where that gives the same bytes (a canvas would premultiply
 * alpha); other formats use the browser's decoders where they exist, and JPEG falls back to
 * jpeg-js elsewhere (Node).
 */
export async function decodeImageBytes(bytes: Uint8Array, context: DecodeContext): Promise<DecodedFile> {
  const format = sniffImageFormat(bytes);
  const browser = canDecodeInBrowser();
  if (format === 'png') return decodePng(bytes, context);
  if (format && browser) return decodeInBrowser(bytes, format, context);
  if (format === 'jpeg') return decodeJpeg(bytes, context);
  const supported = browser ? 'PNG, JPEG, and what this browser decodes (WebP, GIF, AVIF, BMP)' : 'PNG and JPEG';
  if (!format) throw unrecognisedFormatError(bytes, supported);
  throw new RetinaError(
    'UNSUPPORTED_IMAGE_FORMAT',
    `This is a ${format.toUpperCase()} image, which cannot be decoded here: outside a browser only ${supported} are supported. ` +
      'Convert it to PNG, or decode it yourself and pass {data, width, height, channels}.',
  );
}
