import { describe, expect, it } from 'vitest';
import { browserRgbaToImage } from './browser-rgba.js';

const opaque = Uint8ClampedArray.of(1, 2, 3, 255, 4, 5, 6, 255);
const translucent = Uint8ClampedArray.of(1, 2, 3, 255, 4, 5, 6, 254);

describe('browserRgbaToImage', () => {
  it('gives opaque pixels as RGB, like Pillow opening an RGB file', () => {
    expect(browserRgbaToImage(opaque, 2, 1, false)).toEqual({ data: Uint8Array.of(1, 2, 3, 4, 5, 6), width: 2, height: 1, channels: 3 });
  });

  it('keeps RGBA when a pixel is not fully opaque', () => {
    const image = browserRgbaToImage(translucent, 1, 2, false);
    expect(image.channels).toBe(4);
    expect(image.data).toBe(translucent);
  });

  it('hands opaque RGBA over as it is to callers that drop alpha anyway', () => {
    const image = browserRgbaToImage(opaque, 2, 1, true);
    expect(image).toMatchObject({ width: 2, height: 1, channels: 4 });
    expect(image.data).toBe(opaque);
  });
});
