import { RetinaError } from '../../errors.js';
import { browserRgbaToImage } from './browser-rgba.js';
import { hasCanvasReadback, readPixelsThroughCanvas } from './canvas-readback.js';
import type { DecodedFile } from '../decoded-file.js';
import { type ExifOrientation, applyExifOrientation, readExifOrientation } from '../exif-orientation.js';
import { readHeaderDimensions } from '../header-dimensions.js';
import type { ImageFormat } from '../image-format.js';
import { inspectJpeg, takeEveryNth } from '../jpeg/jpeg-decode.js';
import type { JpegStructure } from '../jpeg/jpeg-structure.js';
import type { DecodeContext } from '../load-options.js';
import { checkImageSize } from '../pixel-budget.js';
import type { RawImage } from '../raw-image.js';

/** Whether the browser's own decoders can be used (pages and workers with OffscreenCanvas). */
export function canDecodeInBrowser(): boolean {
  return typeof createImageBitmap === 'function' && hasCanvasReadback();
}

interface HeaderFacts {
  grayscale: boolean;
  /** JPEG only: the stored size and EXIF orientation. */
  jpeg?: { width: number; height: number; orientation: ExifOrientation | undefined };
}

/** Reads what the header tells, and enforces `maxPixels` before decoding where the size is known. */
function inspectHeader(bytes: Uint8Array, format: ImageFormat, context: DecodeContext, jpeg: JpegStructure | undefined): HeaderFacts {
  if (format === 'jpeg') {
    const { width, height, components, exif } = jpeg ?? inspectJpeg(bytes, context);
    return { grayscale: components === 1, jpeg: { width, height, orientation: exif && readExifOrientation(exif) } };
  }
  const size = readHeaderDimensions(bytes, format);
  if (size) checkImageSize(size.width, size.height, context.maxPixels, `The ${format.toUpperCase()} image`);
  return { grayscale: false };
}

const INVERSE_ORIENTATION: Record<ExifOrientation, ExifOrientation> = { 1: 1, 2: 2, 3: 3, 4: 4, 5: 5, 6: 8, 7: 7, 8: 6 };

/**
 * Browsers differ in honouring imageOrientation 'none' / 'from-image'. For JPEG orientations 5-8
 * the decoded size shows whether the browser turned the image; if it did the opposite of what was
 * asked, turn it (back) here.
 */
function reconcileOrientation(image: RawImage, jpeg: HeaderFacts['jpeg'], wanted: boolean): RawImage {
  const orientation = jpeg?.orientation;
  if (!jpeg || !orientation || orientation < 5 || jpeg.width === jpeg.height) return image;
  const turned = image.width !== jpeg.width;
  if (turned === wanted) return image;
  return applyExifOrientation(image, wanted ? orientation : INVERSE_ORIENTATION[orientation]);
}

/** The file decoded by `createImageBitmap`, without colour-space conversion or premultiplication, as RGBA. */
export async function decodeToRgbaInBrowser(
  bytes: Uint8Array,
  format: ImageFormat,
  context: Pick<DecodeContext, 'applyExifOrientation' | 'maxPixels'>,
): Promise<RawImage & { channels: 4 }> {
  let bitmap: ImageBitmap;
  try {
    bitmap = await createImageBitmap(new Blob([bytes as BlobPart], { type: `image/${format}` }), {
      colorSpaceConversion: 'none',
      premultiplyAlpha: 'none',
      imageOrientation: context.applyExifOrientation ? 'from-image' : 'none',
    });
  } catch (cause) {
    throw new RetinaError(
      'IMAGE_DECODE_FAILED',
      `The browser could not decode this ${format.toUpperCase()} image (damaged file, or a format this browser lacks). ` +
        'Convert it to PNG or JPEG.',
      { cause },
    );
  }
  try {
    const { width, height } = bitmap;
    checkImageSize(width, height, context.maxPixels, `The ${format.toUpperCase()} image`);
    return { data: readPixelsThroughCanvas(bitmap, width, height), width, height, channels: 4 };
  } finally {
    bitmap.close();
  }
}

/**
 * Decodes JPEG, WebP, GIF, AVIF, BMP (whatever the browser supports) with the browser's decoder and
 * reads the pixels back. Grayscale JPEG gives 1 channel and fully opaque images 3, like Pillow's L
 * and RGB modes; others stay RGBA (and opaque ones too for callers that keep opaque alpha).
 * Reading back goes through a canvas, so the colour under fully transparent pixels is lost.
 * `jpeg` is the JPEG's structure where the caller read it already.
 */
export async function decodeInBrowser(
  bytes: Uint8Array,
  format: ImageFormat,
  context: DecodeContext,
  jpeg?: JpegStructure,
): Promise<DecodedFile> {
  const header = inspectHeader(bytes, format, context, jpeg);
  const { data: rgba, width, height } = await decodeToRgbaInBrowser(bytes, format, context);
  const image: RawImage = header.grayscale
    ? { data: takeEveryNth(rgba, 4), width, height, channels: 1 }
    : browserRgbaToImage(rgba, width, height, context.keepOpaqueAlpha);
  // The orientation is settled here, so nothing is left for the caller to apply.
  return { image: reconcileOrientation(image, header.jpeg, context.applyExifOrientation), exifOrientation: undefined, decoder: 'platform' };
}
