import type { ImageFormat } from './image-format.js';

export interface Dimensions {
  width: number;
  height: number;
}

function webpDimensions(bytes: Uint8Array, data: DataView): Dimensions | undefined {
  const chunk = String.fromCharCode(...bytes.subarray(12, 16));
  if (chunk === 'VP8X' && bytes.length >= 30) {
    const u24 = (at: number) => bytes[at]! | (bytes[at + 1]! << 8) | (bytes[at + 2]! << 16);
    return { width: u24(24) + 1, height: u24(27) + 1 };
  }
  if (chunk === 'VP8L' && bytes.length >= 25) {
    const bits = data.getUint32(21, true);
    return { width: (bits & 0x3fff) + 1, height: ((bits >> 14) & 0x3fff) + 1 };
  }
  if (chunk === 'VP8 ' && bytes.length >= 30) {
    return { width: data.getUint16(26, true) & 0x3fff, height: data.getUint16(28, true) & 0x3fff };
  }
  return undefined;
}

/**
 * Image size from the header of formats only a browser decodes here (GIF, BMP, WebP), so that
 * `maxPixels` can be enforced before decoding. Undefined when the header is not understood.
 */
export function readHeaderDimensions(bytes: Uint8Array, format: ImageFormat): Dimensions | undefined {
  const data = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (format === 'gif' && bytes.length >= 10) {
    return { width: data.getUint16(6, true), height: data.getUint16(8, true) };
  }
  if (format === 'bmp' && bytes.length >= 26) {
    const coreHeader = data.getUint32(14, true) === 12;
    return coreHeader
      ? { width: data.getUint16(18, true), height: data.getUint16(20, true) }
      : { width: Math.abs(data.getInt32(18, true)), height: Math.abs(data.getInt32(22, true)) };
  }
  if (format === 'webp') return webpDimensions(bytes, data);
  return undefined;
}
