// The browser path with stand-ins for createImageBitmap and OffscreenCanvas: this checks the
// plumbing (what is decoded where, channel counts, orientation, size limits, cleanup, the JPEG
// probe and the fallback). Real browser decoding is covered by the Playwright tests.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { countMismatches, imageIndex, readBin, readBytes } from '../../testing/fixtures.js';
import { progressiveGrayJpeg } from '../../testing/jpeg-writer.js';
import { buildIccProfile, DISPLAY_P3_LIKE } from '../icc-profile.js';
import { ICC_SIGNATURE, insertIccProfile } from '../jpeg/jpeg-icc-segment.js';
import { decodeWithLibjpegTurbo } from '../jpeg/libjpeg-turbo.js';
import type * as LoadImageModule from '../load-image.js';
import { JPEG_PROBES } from './jpeg-probes.js';
import { probeBytes } from './jpeg-platform-check.js';

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

/** A 4:2:0 JPEG, 33x17. */
const colourJpeg = readBytes('jpeg', 'chelsea-odd-33x17.jpg');
const probeFiles = Object.values(JPEG_PROBES).map((probe) => Buffer.from(probeBytes(probe)));

/**
 * The stand-in browser decodes the probes as libjpeg-turbo does, or (`platformExact` false) one level off;
 * with `colourManaged` it also moves the colours of files that carry an ICC profile.
 */
let platformExact: boolean;
let colourManaged: boolean;

/** Where the APP2 ICC segment starts, or -1. */
function iccSegment(bytes: Uint8Array): number {
  for (let at = 2; at + 16 < bytes.length; at++) {
    if (bytes[at] === 0xff && bytes[at + 1] === 0xe2 && ICC_SIGNATURE.every((b, i) => bytes[at + 4 + i] === b)) return at;
  }
  return -1;
}

/** A probe, with or without an ICC profile inserted. */
function isProbe(bytes: Uint8Array): boolean {
  const at = iccSegment(bytes);
  const plain = at < 0 ? bytes : Buffer.concat([bytes.subarray(0, at), bytes.subarray(at + 2 + ((bytes[at + 2]! << 8) | bytes[at + 3]!))]);
  return probeFiles.some((file) => file.equals(plain));
}

async function probeBitmap(bytes: Uint8Array): Promise<FakeBitmap> {
  const { data, width, height, channels } = await decodeWithLibjpegTurbo(bytes);
  if (channels === 4) throw new Error('the stand-in does not convert CMYK');
  const rgba = new Uint8ClampedArray(width * height * 4).fill(255);
  for (let p = 0; p < width * height; p++) for (let c = 0; c < 3; c++) rgba[p * 4 + c] = data[p * channels + (channels === 1 ? 0 : c)]!;
  if (!platformExact || (colourManaged && iccSegment(bytes) >= 0)) rgba[0] = rgba[0]! ^ 1;
  return new FakeBitmap(width, height, rgba);
}

function withOrientation(file: Uint8Array, orientation: number): Uint8Array {
  const tiff = [0x4d, 0x4d, 0, 42, 0, 0, 0, 8, 0, 1, 0x01, 0x12, 0, 3, 0, 0, 0, 1, 0, orientation, 0, 0, 0, 0, 0, 0];
  const body = [0x45, 0x78, 0x69, 0x66, 0, 0, ...tiff];
  return Uint8Array.from([0xff, 0xd8, 0xff, 0xe1, 0, body.length + 2, ...body, ...file.subarray(2)]);
}

let decodeResult: FakeBitmap;
/** What the stand-in decoded: probe files and the others, with the blob and options of each call. */
let decodes: { probe: boolean; blob: Blob; options: ImageBitmapOptions | undefined }[];
const fileDecodes = () => decodes.filter((call) => !call.probe);
const probeDecodes = () => decodes.filter((call) => call.probe);
const createImageBitmap = vi.fn(async (blob: Blob, options?: ImageBitmapOptions) => {
  const bytes = new Uint8Array(await blob.arrayBuffer());
  const probe = isProbe(bytes);
  decodes.push({ probe, blob, options });
  return probe ? probeBitmap(bytes) : decodeResult;
});

let loadImage: typeof LoadImageModule.loadImage;
let loadImageWithDecoder: typeof LoadImageModule.loadImageWithDecoder;

beforeEach(async () => {
  platformExact = true;
  colourManaged = false;
  decodes = [];
  createImageBitmap.mockClear();
  vi.stubGlobal('createImageBitmap', createImageBitmap);
  vi.stubGlobal('OffscreenCanvas', FakeOffscreenCanvas);
  vi.stubGlobal('ImageBitmap', FakeBitmap);
  // A fresh module graph: the probes' verdicts are kept per module instance.
  vi.resetModules();
  ({ loadImage, loadImageWithDecoder } = await import('../load-image.js'));
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

  it('decodes JPEG through createImageBitmap without conversion once the probe matched, then closes the bitmap', async () => {
    decodeResult = new FakeBitmap(33, 17, rgbaPixels(33, 17));
    const { image, decoder } = await loadImageWithDecoder(colourJpeg);
    expect(decoder).toBe('platform');
    expect(probeDecodes()).toHaveLength(1);
    const { blob, options } = fileDecodes()[0]!;
    expect(blob.type).toBe('image/jpeg');
    expect(options).toEqual({ colorSpaceConversion: 'none', premultiplyAlpha: 'none', imageOrientation: 'none' });
    expect(decodeResult.closed).toBe(true);
    expect([image.width, image.height, image.channels]).toEqual([33, 17, 3]);
    expect(Array.from(image.data.subarray(0, 6))).toEqual([0, 1, 2, 1, 2, 3]);
  });

  it('probes each kind of JPEG once: a second 4:2:0 file goes straight to the platform, a gray one is probed first', async () => {
    decodeResult = new FakeBitmap(33, 17, rgbaPixels(33, 17));
    await loadImage(colourJpeg);
    await loadImage(colourJpeg);
    expect([probeDecodes().length, fileDecodes().length]).toEqual([1, 2]);
    decodeResult = new FakeBitmap(512, 512, rgbaPixels(512, 512));
    const gray = await loadImage(readBytes('jpeg', 'camera-gray.jpg'));
    expect(gray.channels).toBe(1);
    expect([probeDecodes().length, fileDecodes().length]).toEqual([2, 3]);
  });

  it("falls back to libjpeg-turbo when the platform's probe pixels differ from Pillow's, and keeps that verdict", async () => {
    platformExact = false;
    for (let i = 0; i < 2; i++) {
      const { image, decoder } = await loadImageWithDecoder(colourJpeg);
      expect(decoder).toBe('wasm');
      expect(countMismatches(image.data, readBytes('jpeg', 'chelsea-odd-33x17.bin'))).toBe(0);
    }
    expect([probeDecodes().length, fileDecodes().length]).toEqual([1, 0]);
  });

  it('probes ICC-tagged JPEGs with a tagged probe: where the platform converts tagged colours, libjpeg-turbo decodes them', async () => {
    colourManaged = true;
    decodeResult = new FakeBitmap(33, 17, rgbaPixels(33, 17));
    const tagged = insertIccProfile(colourJpeg, buildIccProfile({ ...DISPLAY_P3_LIKE, gamma: 1.8 }));
    expect((await loadImageWithDecoder(colourJpeg)).decoder).toBe('platform');
    for (let i = 0; i < 2; i++) {
      const { image, decoder } = await loadImageWithDecoder(tagged);
      expect(decoder).toBe('wasm');
      expect(countMismatches(image.data, readBytes('jpeg', 'chelsea-odd-33x17.bin'))).toBe(0);
    }
    expect(probeDecodes().map(({ blob }) => blob.size > probeDecodes()[0]!.blob.size)).toEqual([false, true]);
    expect(fileDecodes()).toHaveLength(1);
  });

  it('hands ICC-tagged JPEGs to a platform whose decoder left the tagged probe alone', async () => {
    decodeResult = new FakeBitmap(33, 17, rgbaPixels(33, 17));
    const tagged = insertIccProfile(colourJpeg, buildIccProfile(DISPLAY_P3_LIKE));
    expect((await loadImageWithDecoder(tagged)).decoder).toBe('platform');
    expect([probeDecodes().length, fileDecodes().length]).toEqual([1, 1]);
  });

  it("with jpegDecoder: 'wasm' neither probes nor calls the platform decoder", async () => {
    const { image, decoder } = await loadImageWithDecoder(colourJpeg, { jpegDecoder: 'wasm' });
    expect(decoder).toBe('wasm');
    expect(countMismatches(image.data, readBytes('jpeg', 'chelsea-odd-33x17.bin'))).toBe(0);
    expect(createImageBitmap).not.toHaveBeenCalled();
  });

  it('keeps alpha when some pixel is not opaque', async () => {
    decodeResult = new FakeBitmap(33, 17, rgbaPixels(33, 17, 128));
    expect((await loadImage(colourJpeg)).channels).toBe(4);
  });

  it('turns the image back when the browser applied EXIF orientation 6 it was asked to ignore', async () => {
    // Stored 33x17; a browser that rotates anyway returns 17x33.
    decodeResult = new FakeBitmap(17, 33, rgbaPixels(17, 33));
    const image = await loadImage(withOrientation(colourJpeg, 6));
    expect([image.width, image.height]).toEqual([33, 17]);
    // Turning the 17x33 bitmap back counter-clockwise puts its top-right pixel (index 16) first.
    expect(image.data[0]).toBe(16);
  });

  it('asks for the orientation when applyExifOrientation is set', async () => {
    decodeResult = new FakeBitmap(17, 33, rgbaPixels(17, 33));
    const image = await loadImage(withOrientation(colourJpeg, 6), { applyExifOrientation: true });
    expect(fileDecodes()[0]!.options).toHaveProperty('imageOrientation', 'from-image');
    expect([image.width, image.height]).toEqual([17, 33]);
  });

  it('checks a GIF header against maxPixels before decoding', async () => {
    const { RetinaError } = await import('../../errors.js');
    const gif = Uint8Array.from([...'GIF89a'].map((c) => c.charCodeAt(0)).concat([0x10, 0x27, 0x10, 0x27, 0, 0, 0]));
    const error = await loadImage(gif).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RetinaError);
    expect((error as InstanceType<typeof RetinaError>).message).toContain('10000x10000');
    expect(createImageBitmap).not.toHaveBeenCalled();
  });

  it("counts a JPEG's scans against maxJpegScans before the platform decoder (or its probe) sees it", async () => {
    const error = await loadImage(progressiveGrayJpeg(64, 64, 150)).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'IMAGE_TOO_LARGE', message: expect.stringMatching(/152 scans, more than maxJpegScans = 100/) });
    expect(createImageBitmap).not.toHaveBeenCalled();
  });

  it('reads an ImageBitmap back as RGBA', async () => {
    const bitmap = new FakeBitmap(2, 1, rgbaPixels(2, 1, 0));
    const { image, decoder } = await loadImageWithDecoder(bitmap);
    expect(decoder).toBe('none');
    expect(image).toEqual({ data: bitmap.pixels, width: 2, height: 1, channels: 4 });
  });

  describe('<img> inputs', () => {
    /** An <img> showing `src` on a page at http://site.test/, drawn by the browser as `drawn`. */
    class FakeImage {
      readonly complete = true;
      readonly naturalWidth: number;
      readonly naturalHeight: number;
      constructor(
        readonly currentSrc: string,
        readonly drawn: FakeBitmap,
      ) {
        this.naturalWidth = drawn.width;
        this.naturalHeight = drawn.height;
      }
      get pixels() {
        return this.drawn.pixels;
      }
    }
    const entry = () => imageIndex().find((e) => e.id === 'chelsea-small')!;
    let fetched: string[];

    beforeEach(() => {
      fetched = [];
      vi.stubGlobal('HTMLImageElement', FakeImage);
      vi.stubGlobal('document', { baseURI: 'http://site.test/page/' });
      vi.stubGlobal('location', { origin: 'http://site.test' });
      vi.stubGlobal('fetch', async (url: string) => {
        fetched.push(url);
        return new Response(readBytes(entry().png) as BodyInit);
      });
    });

    it('decodes the file of a same-origin <img> as its URL would be, not what the browser drew', async () => {
      const image = new FakeImage('http://site.test/images/small.png', new FakeBitmap(100, 150, rgbaPixels(100, 150)));
      const { image: decoded, decoder } = await loadImageWithDecoder(image as unknown as HTMLImageElement);
      expect(fetched).toEqual(['http://site.test/images/small.png']);
      expect(decoder).toBe('javascript');
      expect(countMismatches(decoded.data, readBin(entry().raw))).toBe(0);
    });

    it("reads the drawn pixels of a cross-origin <img>, and of any <img> with imageElement: 'rendered'", async () => {
      const drawn = new FakeBitmap(100, 150, rgbaPixels(100, 150));
      const crossOrigin = new FakeImage('http://cdn.test/small.png', drawn);
      const sameOrigin = new FakeImage('/images/small.png', drawn);
      for (const [input, options] of [
        [crossOrigin, {}],
        [sameOrigin, { imageElement: 'rendered' }],
      ] as const) {
        const { image, decoder } = await loadImageWithDecoder(input as unknown as HTMLImageElement, options);
        expect(decoder).toBe('none');
        expect(image.channels).toBe(4);
      }
      expect(fetched).toEqual([]);
    });
  });
});
