import { RetinaError } from '../../errors.js';

/** Whether this environment can read pixels back from images (browsers, pages and workers). */
export function hasCanvasReadback(): boolean {
  return typeof OffscreenCanvas !== 'undefined';
}

/**
 * Draws `source` on an OffscreenCanvas and reads its RGBA pixels back. A canvas stores
 * premultiplied alpha, so the colour of fully transparent pixels is lost (it reads as 0).
 */
export function readPixelsThroughCanvas(source: CanvasImageSource, width: number, height: number): Uint8ClampedArray {
  if (!hasCanvasReadback()) {
    throw new RetinaError(
      'UNSUPPORTED_IMAGE_FORMAT',
      'Reading pixels from this input needs OffscreenCanvas, which this environment lacks. ' +
        'Pass PNG or JPEG bytes, a Blob, or decoded pixels as {data, width, height, channels}.',
    );
  }
  const context = new OffscreenCanvas(width, height).getContext('2d', { willReadFrequently: true });
  if (!context) {
    throw new RetinaError(
      'IMAGE_DECODE_FAILED',
      'The browser refused to create a 2D canvas context to read the pixels. Retry, or pass PNG/JPEG bytes instead.',
    );
  }
  context.drawImage(source, 0, 0, width, height);
  try {
    return context.getImageData(0, 0, width, height).data;
  } catch (cause) {
    throw new RetinaError(
      'IMAGE_DECODE_FAILED',
      'The browser blocked reading the pixels (the image is cross-origin without CORS, so the canvas is tainted). ' +
        "Serve it with CORS headers and set crossOrigin = 'anonymous' on the <img>, or pass its URL or a Blob.",
      { cause },
    );
  }
}
