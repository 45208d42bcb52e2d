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

/** Throws unless `maxJpegScans` is a positive whole number. */
export function checkMaxJpegScansOption(maxJpegScans: number): void {
  if (!(Number.isInteger(maxJpegScans) && maxJpegScans > 0)) {
    throw new RetinaError(
      'INVALID_ARGUMENT',
      `maxJpegScans must be a positive whole number, got ${String(maxJpegScans)}. Leave it out for the default.`,
    );
  }
}

/** Throws unless a JPEG's scans are within `maxJpegScans`, before any of them is decoded. */
export function checkJpegScans(scans: number, maxJpegScans: number): void {
  if (scans > maxJpegScans) {
    throw new RetinaError(
      'IMAGE_TOO_LARGE',
      `The JPEG has ${scans} scans, more than maxJpegScans = ${maxJpegScans}: each scan is a pass over the whole image ` +
        '(encoders write 1, or about 10 for a progressive JPEG). Re-encode the image, or raise the `maxJpegScans` option of loadImage.',
    );
  }
}
