import { readableImageElementSource, type ImageInput, type LoadImageOptions } from '@retina/core';
import { transferableBuffers } from '../protocol/transferables.js';
import type { WireImage } from '../protocol/wire-values.js';

function isInstance<T>(value: unknown, type: { prototype: T } | undefined): value is T {
  return typeof type === 'function' && value instanceof type;
}

/** DOM elements cannot reach a worker: their pixels go as an ImageBitmap, read without premultiplying. */
async function toBitmap(element: HTMLImageElement | HTMLCanvasElement | OffscreenCanvas): Promise<ImageBitmap> {
  if (isInstance(element, globalThis.HTMLImageElement) && !element.complete) await element.decode();
  return createImageBitmap(element, { premultiplyAlpha: 'none', colorSpaceConversion: 'none' });
}

async function toWireImage(input: ImageInput, imageElement: LoadImageOptions['imageElement']): Promise<WireImage> {
  // Relative URLs are the page's, not the worker script's.
  if (typeof input === 'string') return typeof document === 'undefined' ? input : new URL(input, document.baseURI).href;
  // An <img> whose file the page may read goes as its URL: the worker decodes the file, not what the browser drew.
  const file = imageElement === 'rendered' ? undefined : readableImageElementSource(input);
  if (file !== undefined) return file;
  if (
    isInstance(input, globalThis.HTMLImageElement) ||
    isInstance(input, globalThis.HTMLCanvasElement) ||
    isInstance(input, globalThis.OffscreenCanvas)
  ) {
    return toBitmap(input);
  }
  return input;
}

/**
 * The images as they go to the worker, and what to transfer rather than copy: ImageBitmaps,
 * VideoFrames and the buffers of ArrayBuffers, typed arrays and raw pixels. Transferred inputs are
 * detached (closed) on the page afterwards. `imageElement` is the call's load option of that name.
 */
export async function prepareImages(
  inputs: readonly ImageInput[],
  imageElement: LoadImageOptions['imageElement'],
): Promise<{ images: WireImage[]; transfers: Transferable[] }> {
  const images = await Promise.all(inputs.map((input) => toWireImage(input, imageElement)));
  const frames = images.filter(
    (image): image is ImageBitmap | VideoFrame => isInstance(image, globalThis.ImageBitmap) || isInstance(image, globalThis.VideoFrame),
  );
  const buffers = transferableBuffers(images.filter((image) => !isInstance(image, globalThis.ImageData)));
  return { images, transfers: [...frames, ...buffers] };
}
