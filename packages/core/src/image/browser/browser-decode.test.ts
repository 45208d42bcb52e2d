// The browser path with stand-ins for createImageBitmap and OffscreenCanvas: this checks the
// plumbing (what is decoded where, channel counts, orientation, size limits, cleanup). Real
// browser decoding is covered by the Playwright tests.
import jpeg from 'jpeg-js';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { RetinaError } from '../../errors.js';
import { countMismatches, imageIndex, readBin, readBytes } from '../../testing/fixtures.js';
import { loadImage } from '../load-image.js';

class FakeBitmap {
  closed = false;
  constructor(
    readonly width: number,
    readonly height: number,
    readonly pixels: Uint8ClampedArray,
  ) {}
  close() {
    this.closed = true;
  }
}

class FakeOffscreenCanvas {
  private drawn: FakeBitmap | undefined;
  constructor(
    readonly width: number,
    readonly height: number,
  ) {}
  getContext() {
    return {
      drawImage: (source: FakeBitmap) => {
        this.drawn = source;
      },
      getImageData: () => ({ data: this.drawn!.pixels }),
    };
  }
}

/** RGBA pixels of a w x h image, value = pixel index, alpha as given. */
function rgbaPixels(width: number, height: number, alpha = 255): Uint8ClampedArray {
  const data = new Uint8ClampedArray(width * height * 4);
  for (let p = 0; p < width * height; p++) data.set([p, p + 1, p + 2, alpha], p * 4);
  return data;
}

const colourJpeg = new Uint8Array(jpeg.encode({ data: new Uint8Array(6 * 4 * 4).fill(128), width: 6, height: 4 }, 90).data);

function withOrientation(file: Uint8Array, orientation: number): Uint8Array {
  const tiff = [0x4d, 0x4d, 0, 42, 0, 0, 0, 8, 0, 1, 0x01, 0x12, 0, 3, 0, 0, 0, 1, 0, orientation, 0, 0, 0, 0, 0, 0];
  const body = [0x45, 0x78, 0x69, 0x66, 0, 0, ...tiff];
  return Uint8Array.from([0xff, 0xd8, 0xff, 0xe1, 0, body.length + 2, ...body, ...file.subarray(2)]);
}

let decodeResult: FakeBitmap;
const createImageBitmap = vi.fn(async (_blob: Blob, _options?: ImageBitmapOptions) => decodeResult);

beforeEach(() => {
  createImageBitmap.mockClear();
  vi.stubGlobal('createImageBitmap', createImageBitmap);
  vi.stubGlobal('OffscreenCanvas', FakeOffscreenCanvas);
  vi.stubGlobal('ImageBitmap', FakeBitmap);
});

afterEach(() => {
  vi.unstubAllGlobals();
});

describe('browser decoding path', () => {
  it('still decodes PNG with the exact JavaScript decoder, keeping RGB under alpha 0', async () => {
    const entry = imageIndex().find((e) => e.id === 'chelsea-rgba')!;
    const image = await loadImage(readBytes(entry.png));
    expect(createImageBitmap).not.toHaveBeenCalled();
    expect(image.channels).toBe(4);
    expect(countMismatches(image.data, readBin(entry.raw))).toBe(0);
  });

  it('decodes JPEG through createImageBitmap without conversion, then closes the bitmap', async () => {
    decodeResult = new FakeBitmap(6, 4, rgbaPixels(6, 4));
    const image = await loadImage(colourJpeg);
    const [blob, options] = createImageBitmap.mock.calls[0]!;
    expect(blob.type).toBe('image/jpeg');
    expect(options).toEqual({ colorSpaceConversion: 'none', premultiplyAlpha: 'none', imageOrientation: 'none' });
    expect(decodeResult.closed).toBe(true);
    expect([image.width, image.height, image.channels]).toEqual([6, 4, 3]);
    expect(Array.from(image.data.subarray(0, 6))).toEqual([0, 1, 2, 1, 2, 3]);
  });

  it('keeps alpha when some pixel is not opaque', async () => {
    decodeResult = new FakeBitmap(6, 4, rgbaPixels(6, 4, 128));
    expect((await loadImage(colourJpeg)).channels).toBe(4);
  });

  it('turns the image back when the browser applied EXIF orientation 6 it was asked to ignore', async () => {
    // Stored 6x4; a browser that rotates anyway returns 4x6.
    decodeResult = new FakeBitmap(4, 6, rgbaPixels(4, 6));
    const image = await loadImage(withOrientation(colourJpeg, 6));
    expect([image.width, image.height]).toEqual([6, 4]);
    // Turning the 4x6 bitmap back counter-clockwise puts its top-right pixel (index 3) first.
    expect(image.data[0]).toBe(3);
  });

  it('asks for the orientation when applyExifOrientation is set', async () => {
    decodeResult = new FakeBitmap(4, 6, rgbaPixels(4, 6));
    const image = await loadImage(withOrientation(colourJpeg, 6), { applyExifOrientation: true });
    expect(createImageBitmap.mock.calls[0]![1]).toHaveProperty('imageOrientation', 'from-image');
    expect([image.width, image.height]).toEqual([4, 6]);
  });

  it('checks a GIF header against maxPixels before decoding', async () => {
    const gif = Uint8Array.from([...'GIF89a'].map((c) => c.charCodeAt(0)).concat([0x10, 0x27, 0x10, 0x27, 0, 0, 0]));
    const error = await loadImage(gif).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RetinaError);
    expect((error as RetinaError).message).toContain('10000x10000');
    expect(createImageBitmap).not.toHaveBeenCalled();
  });

  it('reads an ImageBitmap back as RGBA', async () => {
    const bitmap = new FakeBitmap(2, 1, rgbaPixels(2, 1, 0));
    const image = await loadImage(bitmap as unknown as ImageBitmap);
    expect(image).toEqual({ data: bitmap.pixels, width: 2, height: 1, channels: 4 });
  });
});
