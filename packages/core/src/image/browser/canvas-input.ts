import { RetinaError } from '../../errors.js';
import type { Dimensions } from '../header-dimensions.js';
import type { CanvasImageInput } from '../image-input.js';
import { readPixelsThroughCanvas } from './canvas-readback.js';
import { checkImageSize } from '../pixel-budget.js';
import type { RawImage } from '../raw-image.js';

function isInstance<T>(input: unknown, type: { prototype: T } | undefined): input is T {
  return typeof type === 'function' && input instanceof type;
}

// Each DOM type is looked up on globalThis, so this module also loads in Node and in workers.
export function isImageData(input: unknown): input is ImageData {
  return isInstance(input, globalThis.ImageData);
}

export function isCanvasImageInput(input: unknown): input is CanvasImageInput {
  return (
    isInstance(input, globalThis.ImageBitmap) ||
    isInstance(input, globalThis.HTMLImageElement) ||
    isInstance(input, globalThis.HTMLCanvasElement) ||
    isInstance(input, globalThis.OffscreenCanvas) ||
    isInstance(input, globalThis.VideoFrame)
  );
}

/**
 * The URL of the file an `<img>` shows where this page may read it again: same-origin, `data:` or `blob:`.
 * Undefined for cross-origin images (their bytes may be unreadable) and in workers, which have no `<img>`.
 */
export function readableImageElementSource(input: unknown): string | undefined {
  if (!isInstance(input, globalThis.HTMLImageElement)) return undefined;
  const source = input.currentSrc || input.src;
  if (!source) return undefined;
  const url = new URL(source, document.baseURI);
  return url.origin === location.origin || url.protocol === 'data:' || url.protocol === 'blob:' ? url.href : undefined;
}

function sizeOf(input: CanvasImageInput): Dimensions {
  if (isInstance(input, globalThis.HTMLImageElement)) return { width: input.naturalWidth, height: input.naturalHeight };
  if (isInstance(input, globalThis.VideoFrame)) return { width: input.displayWidth, height: input.displayHeight };
  return { width: input.width, height: input.height };
}

async function whenImageElementLoaded(image: HTMLImageElement): Promise<void> {
  if (image.complete && image.naturalWidth > 0) return;
  try {
    await image.decode();
  } catch (cause) {
    throw new RetinaError(
      'IMAGE_DECODE_FAILED',
      `The <img> element could not be loaded or decoded (src: ${image.currentSrc || image.src || 'not set'}). ` +
        'Check that its src points at a reachable image, or pass the URL or file itself.',
      { cause },
    );
  }
}

/**
 * Reads an ImageBitmap, <img>, canvas, OffscreenCanvas or VideoFrame as RGBA (4 channels) through
 * a 2D canvas: the pixels as the browser drew them, colour-managed wherever it manages colours. The
 * browser premultiplies alpha there, so the colour under fully transparent pixels is lost; pass the
 * file as a Blob to keep it. An <img> is already turned upright by the browser.
 */
export async function readCanvasImageInput(input: CanvasImageInput, maxPixels: number): Promise<RawImage> {
  if (isInstance(input, globalThis.HTMLImageElement)) await whenImageElementLoaded(input);
  const { width, height } = sizeOf(input);
  checkImageSize(width, height, maxPixels, `The ${input.constructor.name}`);
  return { data: readPixelsThroughCanvas(input, width, height), width, height, channels: 4 };
}

/** Wraps ImageData without copying: 4 channels, as the browser stores it (not premultiplied). */
export function imageDataToImage(input: ImageData, maxPixels: number): RawImage {
  checkImageSize(input.width, input.height, maxPixels, 'The ImageData');
  return { data: input.data, width: input.width, height: input.height, channels: 4 };
}
