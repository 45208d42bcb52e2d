import { encode as encodePng } from 'fast-png';
import { describe, expect, it } from 'vitest';
import { RetinaError } from '../../errors.js';
import { countMismatches, fixturePath, imageIndex, readBin, readBytes, readJson } from '../../testing/fixtures.js';
import { concatBytes } from '../../onnx/protobuf-writer.js';
import { buildPng, chunk, SAMPLES_PER_PIXEL } from '../../testing/png-writer.js';
import { loadImage, loadLabelMap } from '../load-image.js';

/** Deterministic pseudo-random samples below 2^depth. */
function samplesFor(count: number, depth: number, seed = 7): number[] {
  let state = seed;
  return Array.from({ length: count }, () => {
    state = (state * 1103515245 + 12345) >>> 0;
    return (state >>> 8) % 2 ** depth;
  });
}

async function decodeError(promise: Promise<unknown>): Promise<RetinaError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(RetinaError);
  return error as RetinaError;
}

// ---- Golden fixtures ----

describe('PNG fixtures decode exactly as Pillow', () => {
  for (const entry of imageIndex()) {
    it(`${entry.id} (${entry.mode})`, async () => {
      const image = await loadImage(fixturePath(entry.png));
      const expected = readBin(entry.raw) as Uint8Array;
      expect([image.width, image.height]).toEqual([entry.width, entry.height]);
      if (entry.mode === 'P') {
        const palette = entry.palette!;
        const rgb = Array.from(expected).flatMap((index) => palette.slice(index * 3, index * 3 + 3));
        expect(image.channels).toBe(3);
        expect(countMismatches(image.data, rgb)).toBe(0);
      } else {
        expect(image.channels).toBe({ L: 1, LA: 2, RGB: 3, RGBA: 4 }[entry.mode]);
        expect(countMismatches(image.data, expected)).toBe(0);
      }
    });
  }

  it('gives the palette indices of P images as label maps', async () => {
    for (const entry of imageIndex().filter((e) => e.mode === 'P')) {
      const map = await loadLabelMap(fixturePath(entry.png));
      expect(map.channels).toBe(1);
      expect(countMismatches(map.data, readBin(entry.raw))).toBe(0);
    }
  });

  it('loads the segmentation label maps exactly', async () => {
    const maps: Array<{ png: string; raw: Parameters<typeof readBin>[0] }> = readJson('processors', 'index.json').segmentation.maps;
    expect(maps.length).toBe(2);
    for (const map of maps) {
      const loaded = await loadLabelMap(readBytes(map.png));
      expect([loaded.height, loaded.width, loaded.channels]).toEqual([...map.raw.shape, 1]);
      expect(countMismatches(loaded.data, readBin(map.raw))).toBe(0);
    }
  });

  it('rejects multi-channel label maps, naming the mode', async () => {
    const error = await decodeError(loadLabelMap(fixturePath('images', 'camera-la.png')));
    expect(error.code).toBe('INVALID_IMAGE');
    expect(error.message).toMatch(/2 channels \(LA\)/);
  });
});

// ---- Bit depths, colour types and interlacing ----

describe('PNG colour types and bit depths', () => {
  it.each([1, 2, 4])('scales %i-bit gray to 0-255, interlaced or not', async (depth) => {
    const [width, height] = [13, 7];
    const samples = samplesFor(width * height, depth);
    const scale = 255 / (2 ** depth - 1);
    for (const adam7 of [false, true]) {
      const image = await loadImage(buildPng({ width, height, depth, colorType: 0, samples, adam7 }));
      expect(image.channels).toBe(1);
      expect(Array.from(image.data)).toEqual(samples.map((s) => s * scale));
    }
  });

  it('gives 0/1 for a 1-bit gray label map, like numpy of a mode "1" image', async () => {
    const samples = samplesFor(20, 1);
    const map = await loadLabelMap(buildPng({ width: 5, height: 4, depth: 1, colorType: 0, samples }));
    expect(Array.from(map.data)).toEqual(samples);
  });

  it.each([1, 2, 4, 8])('expands %i-bit palette images through PLTE, interlaced or not', async (depth) => {
    const [width, height] = [11, 9];
    const entries = 2 ** depth - (depth > 1 ? 1 : 0); // leave the last index out of the palette
    const palette = Array.from({ length: entries * 3 }, (_, i) => (i * 37 + 11) % 256);
    const samples = samplesFor(width * height, depth, 3);
    const plte = buildPlte(palette);
    const expected = samples.flatMap((s) => (s < entries ? palette.slice(s * 3, s * 3 + 3) : [s, s, s]));
    for (const adam7 of [false, true]) {
      const png = buildPng({ width, height, depth, colorType: 3, samples, adam7, chunksBeforeData: [plte] });
      const image = await loadImage(png);
      expect(image.channels).toBe(3);
      expect(Array.from(image.data)).toEqual(expected);
      expect(Array.from((await loadLabelMap(png)).data)).toEqual(samples);
    }
  });

  it('keeps the most significant byte of 16-bit RGB, RGBA and gray', async () => {
    for (const colorType of [0, 2, 6]) {
      const spp = SAMPLES_PER_PIXEL[colorType]!;
      const samples = samplesFor(6 * 5 * spp, 16, colorType + 1);
      for (const adam7 of [false, true]) {
        const image = await loadImage(buildPng({ width: 6, height: 5, depth: 16, colorType, samples, adam7 }));
        expect(image.channels).toBe(spp);
        expect(Array.from(image.data)).toEqual(samples.map((s) => s >> 8));
      }
    }
  });

  it('opens 16-bit gray + alpha as RGBA, as Pillow does', async () => {
    const samples = [0x1234, 0xff00, 0xabcd, 0x0001];
    const image = await loadImage(buildPng({ width: 2, height: 1, depth: 16, colorType: 4, samples }));
    expect(image.channels).toBe(4);
    expect(Array.from(image.data)).toEqual([0x12, 0x12, 0x12, 0xff, 0xab, 0xab, 0xab, 0x00]);
  });

  it('accepts a 16-bit gray label map with values up to 255 and rejects larger ones', async () => {
    const small = await loadLabelMap(buildPng({ width: 3, height: 1, depth: 16, colorType: 0, samples: [0, 7, 255] }));
    expect(Array.from(small.data)).toEqual([0, 7, 255]);
    const error = await decodeError(loadLabelMap(buildPng({ width: 2, height: 1, depth: 16, colorType: 0, samples: [3, 300] })));
    expect(error.code).toBe('INVALID_IMAGE');
    expect(error.message).toContain('300');
  });

  it('decodes 8-bit Adam7 images like their non-interlaced twins', async () => {
    for (const [width, height] of [
      [1, 1],
      [3, 10],
      [17, 9],
    ] as const) {
      const data = Uint8Array.from(samplesFor(width * height * 4, 8, width));
      const plain = await loadImage(encodePng({ width, height, data, channels: 4, depth: 8 }));
      const interlaced = await loadImage(encodePng({ width, height, data, channels: 4, depth: 8 }, { interlace: 'Adam7' }));
      expect(Array.from(plain.data)).toEqual(Array.from(data));
      expect(Array.from(interlaced.data)).toEqual(Array.from(data));
    }
  });

  it('ignores tRNS on RGB images (Pillow keeps mode RGB)', async () => {
    const trns = chunk('tRNS', Uint8Array.of(0, 10, 0, 20, 0, 30));
    const samples = [10, 20, 30, 1, 2, 3];
    const image = await loadImage(buildPng({ width: 2, height: 1, depth: 8, colorType: 2, samples, chunksBeforeData: [trns] }));
    expect(image.channels).toBe(3);
    expect(Array.from(image.data)).toEqual(samples);
  });
});

function buildPlte(palette: number[]): Uint8Array {
  return chunk('PLTE', Uint8Array.from(palette));
}

// ---- Damaged and oversized files ----

describe('PNG errors', () => {
  const chelsea = readBytes('images', 'chelsea.png');

  it.each([
    ['half the file', Math.floor(chelsea.length / 2)],
    ['all but IEND', chelsea.length - 12],
    ['inside IHDR', 20],
  ])('reports a truncated file (%s) as IMAGE_DECODE_FAILED, then decodes the next one', async (_, cut) => {
    const error = await decodeError(loadImage(chelsea.slice(0, cut)));
    expect(error.code).toBe('IMAGE_DECODE_FAILED');
    expect(error.message).toMatch(/truncated|IHDR/);
    expect((await loadImage(chelsea)).width).toBe(451);
  });

  it('reports corrupt compressed data as IMAGE_DECODE_FAILED', async () => {
    const png = buildPng({ width: 4, height: 4, depth: 8, colorType: 0, samples: samplesFor(16, 8) });
    const idat = png.findIndex((_, i) => String.fromCharCode(...png.subarray(i, i + 4)) === 'IDAT');
    png.fill(0xee, idat + 6, idat + 12);
    expect((await decodeError(loadImage(png))).code).toBe('IMAGE_DECODE_FAILED');
  });

  it('refuses a header claiming 100000x100000 pixels before decoding', async () => {
    const png = buildPng({ width: 1, height: 1, depth: 8, colorType: 0, samples: [0] });
    new DataView(png.buffer).setUint32(16, 100000);
    new DataView(png.buffer).setUint32(20, 100000);
    const started = performance.now();
    const error = await decodeError(loadImage(png));
    expect(performance.now() - started).toBeLessThan(200);
    expect(error.code).toBe('IMAGE_TOO_LARGE');
    expect(error.message).toContain('100000x100000');
    expect(error.message).toContain('maxPixels');
  });

  it('honours a smaller maxPixels', async () => {
    const error = await decodeError(loadImage(chelsea, { maxPixels: 1000 }));
    expect(error.code).toBe('IMAGE_TOO_LARGE');
    expect(error.message).toContain('451x300');
    expect((await loadImage(chelsea, { maxPixels: 451 * 300 })).height).toBe(300);
  });

  /** `png` with the stored CRC of its first `type` chunk changed. */
  function withBadCrc(png: Uint8Array, type: string): Uint8Array {
    const bad = png.slice();
    const typeAt = bad.findIndex((_, i) => String.fromCharCode(...bad.subarray(i, i + 4)) === type);
    const length = new DataView(bad.buffer).getUint32(typeAt - 4);
    bad[typeAt + 4 + length]! ^= 0x01;
    return bad;
  }

  it.each(['IHDR', 'PLTE', 'tEXt'])('refuses a bad %s CRC, as Pillow does for every chunk before the image data', async (type) => {
    const text = chunk('tEXt', new TextEncoder().encode('Comment\0made by hand'));
    const chunksBeforeData = [buildPlte([1, 2, 3, 4, 5, 6, 7, 8, 9]), text];
    const png = buildPng({ width: 3, height: 2, depth: 8, colorType: 3, samples: [0, 1, 2, 2, 1, 0], chunksBeforeData });
    expect((await loadImage(png)).width).toBe(3);
    const error = await decodeError(loadImage(withBadCrc(png, type)));
    expect(error.code).toBe('IMAGE_DECODE_FAILED');
    const crcs = 'stored 0x[0-9a-f]{8}, computed 0x[0-9a-f]{8}';
    expect(error.message).toMatch(new RegExp(`the ${type} chunk at byte \\d+ fails its CRC check \\(${crcs}\\)`));
  });

  it('accepts bad CRCs from the image data on, which Pillow does not check', async () => {
    const samples = samplesFor(12, 8);
    const png = buildPng({ width: 4, height: 3, depth: 8, colorType: 0, samples });
    const text = chunk('tEXt', new TextEncoder().encode('Comment\0after the pixels'));
    const iend = png.length - 12;
    const withTextAfter = concatBytes([png.subarray(0, iend), text, png.subarray(iend)]);
    for (const damaged of [withBadCrc(png, 'IDAT'), withBadCrc(withTextAfter, 'tEXt'), withBadCrc(png, 'IEND')]) {
      expect(Array.from((await loadImage(damaged)).data)).toEqual(samples);
    }
  });

  it('rejects a zero-sized header', async () => {
    const png = buildPng({ width: 1, height: 1, depth: 8, colorType: 0, samples: [0] });
    new DataView(png.buffer).setUint32(16, 0);
    expect((await decodeError(loadImage(png))).code).toBe('INVALID_IMAGE');
  });
});
