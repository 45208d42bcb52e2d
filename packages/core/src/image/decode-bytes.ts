import { RetinaError } from '../errors.js';
import { canDecodeInBrowser, decodeInBrowser } from './browser/browser-decode.js';
import { platformDecodesJpegExactly } from './browser/jpeg-platform-check.js';
import type { DecodedFile } from './decoded-file.js';
import { cutOffSignature, sniffImageFormat, unrecognisedFormatError } from './image-format.js';
import { decodeJpeg, inspectJpeg } from './jpeg/jpeg-decode.js';
import { jpegKind } from './jpeg/jpeg-kind.js';
import type { DecodeContext } from './load-options.js';
import { decodePng } from './png/png-decode.js';

/**
 * JPEG goes to the browser's decoder where it was proven to give Pillow's pixels for its kind (and, for a
 * file with an ICC profile, to leave a tagged probe's colours alone), else to libjpeg-turbo.
 */
async function decodeJpegFile(bytes: Uint8Array, context: DecodeContext, browser: boolean): Promise<DecodedFile> {
  const structure = inspectJpeg(bytes, context);
  if (browser && context.jpegDecoder === 'auto' && (await platformDecodesJpegExactly(jpegKind(structure), structure.iccProfile))) {
    return decodeInBrowser(bytes, 'jpeg', context, structure);
  }
  return decodeJpeg(bytes, context, structure);
}

/**
 * Decodes an encoded image file. PNG goes through Retina's exact decoder, which hands 8-bit gray
 * and RGB files to the platform's where that gives the same bytes (a canvas would premultiply
 * alpha); JPEG through the browser's decoder where it is exact, else libjpeg-turbo (WebAssembly);
 * other formats use the browser's decoders where they exist.
 */
export async function decodeImageBytes(bytes: Uint8Array, context: DecodeContext): Promise<DecodedFile> {
  const format = sniffImageFormat(bytes);
  const browser = canDecodeInBrowser();
  if (format === 'png') return decodePng(bytes, context);
  if (format === 'jpeg') return decodeJpegFile(bytes, context, browser);
  if (format && browser) return decodeInBrowser(bytes, format, context);
  const supported = browser ? 'PNG, JPEG, and what this browser decodes (WebP, GIF, AVIF, BMP)' : 'PNG and JPEG';
  const cutOff = format ? undefined : cutOffSignature(bytes);
  if (cutOff) {
    throw new RetinaError(
      'IMAGE_DECODE_FAILED',
      `The ${cutOff.toUpperCase()} could not be decoded: the file ends after ${bytes.length} bytes, inside its signature ` +
        '(truncated file). The file is damaged or incomplete; download or export it again.',
    );
  }
  if (!format) throw unrecognisedFormatError(bytes, supported);
  throw new RetinaError(
    'UNSUPPORTED_IMAGE_FORMAT',
    `This is a ${format.toUpperCase()} image, which cannot be decoded here: outside a browser only ${supported} are supported. ` +
      'Convert it to PNG, or decode it yourself and pass {data, width, height, channels}.',
  );
}
