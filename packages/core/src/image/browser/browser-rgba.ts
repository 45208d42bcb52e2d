import type { RawImage } from '../raw-image.js';

function isOpaque(rgba: Uint8Array | Uint8ClampedArray): boolean {
  for (let i = 3; i < rgba.length; i += 4) if (rgba[i] !== 255) return false;
  return true;
}

/**
 * RGBA from a browser decoder in the mode Pillow opens the file in: RGB when every pixel is opaque,
 * else RGBA. Callers that drop alpha anyway (`keepOpaqueAlpha`) get the 4 channels as they are,
 * which saves two passes over every pixel.
 */
export function browserRgbaToImage(
  rgba: Uint8Array | Uint8ClampedArray,
  width: number,
  height: number,
  keepOpaqueAlpha: boolean,
): RawImage {
  if (keepOpaqueAlpha || !isOpaque(rgba)) return { data: rgba, width, height, channels: 4 };
  const rgb = new Uint8Array(width * height * 3);
  for (let i = 0, o = 0; o < rgb.length; i += 4, o += 3) {
    rgb[o] = rgba[i]!;
    rgb[o + 1] = rgba[i + 1]!;
    rgb[o + 2] = rgba[i + 2]!;
  }
  return { data: rgb, width, height, channels: 3 };
}
