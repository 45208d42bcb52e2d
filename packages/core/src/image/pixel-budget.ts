import { RetinaError } from '../errors.js';

/** Throws unless width × height is a non-empty image within `maxPixels`. `what` names the source. */
export function checkImageSize(width: number, height: number, maxPixels: number, what: string): void {
  if (!(Number.isInteger(width) && Number.isInteger(height) && width > 0 && height > 0)) {
    throw new RetinaError(
      'INVALID_IMAGE',
      `${what} is ${width}x${height}: an image needs a positive whole width and height. ` + 'Pass an image with at least one pixel.',
    );
  }
  const pixels = width * height;
  if (pixels > maxPixels) {
    throw new RetinaError(
      'IMAGE_TOO_LARGE',
      `${what} is ${width}x${height} = ${pixels} pixels, more than maxPixels = ${maxPixels}. ` +
        'Downscale the image, or raise the `maxPixels` option of loadImage if you have the memory for it.',
    );
  }
}

/** Throws unless `maxPixels` is a positive number. */
export function checkMaxPixelsOption(maxPixels: number): void {
  if (!(maxPixels > 0)) {
    throw new RetinaError(
      'INVALID_ARGUMENT',
      `maxPixels must be a positive number, got ${String(maxPixels)}. Leave it out for the default.`,
    );
  }
}
