import type { ChannelCount } from './raw-image.js';

/**
 * Pixels already in memory, interleaved height × width × channels, row-major
 * (1 = L, 2 = LA, 3 = RGB, 4 = RGBA).
 *
 * Integer data is taken as 8-bit values. Float data must be finite and within [0, 1]; it is
 * turned into 8-bit values the way Transformers converts floats for Pillow: `x * 255` rounded
 * to float32, then truncated.
 */
export interface RawPixels {
  data: Uint8Array | Uint8ClampedArray | Float32Array | Float64Array;
  width: number;
  height: number;
  channels: ChannelCount;
}

/** An element, bitmap or frame whose pixels the browser reads back through a 2D canvas. */
export type CanvasImageInput = ImageBitmap | HTMLImageElement | HTMLCanvasElement | OffscreenCanvas | VideoFrame;

/** Bytes of an encoded image file (PNG, JPEG; in browsers also WebP, GIF, AVIF, BMP). */
export type EncodedImageBytes = ArrayBuffer | Uint8Array;

/**
 * Everything `loadImage` accepts.
 *
 * A string is a URL (`http:`, `https:`, `data:`, `blob:`; relative URLs resolve against the
 * page) or, in Node, a `file:` URL or a file path.
 */
export type ImageInput = RawPixels | ImageData | CanvasImageInput | Blob | EncodedImageBytes | string;
