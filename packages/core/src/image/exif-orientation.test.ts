import { describe, expect, it } from 'vitest';
import { countMismatches, fixturePath, imageIndex, readBin } from '../testing/fixtures.js';
import { type ExifOrientation, applyExifOrientation, readExifOrientation } from './exif-orientation.js';
import { loadImage } from './load-image.js';

/** TIFF with one IFD0 entry: Orientation (SHORT) = value. */
function tiffWithOrientation(value: number, littleEndian: boolean): Uint8Array {
  const bytes = new Uint8Array(26);
  const view = new DataView(bytes.buffer);
  bytes.set(littleEndian ? [0x49, 0x49] : [0x4d, 0x4d]);
  view.setUint16(2, 42, littleEndian);
  view.setUint32(4, 8, littleEndian);
  view.setUint16(8, 1, littleEndian);
  view.setUint16(10, 0x0112, littleEndian);
  view.setUint16(12, 3, littleEndian);
  view.setUint32(14, 1, littleEndian);
  view.setUint16(18, value, littleEndian);
  return bytes;
}

describe('readExifOrientation', () => {
  it('reads big- and little-endian TIFF, with or without the "Exif\\0\\0" prefix', () => {
    const prefix = Uint8Array.of(0x45, 0x78, 0x69, 0x66, 0, 0);
    for (const little of [false, true]) {
      expect(readExifOrientation(tiffWithOrientation(6, little))).toBe(6);
      expect(readExifOrientation(Uint8Array.from([...prefix, ...tiffWithOrientation(3, little)]))).toBe(3);
    }
  });

  it('ignores missing, out-of-range and malformed data', () => {
    expect(readExifOrientation(tiffWithOrientation(9, false))).toBeUndefined();
    expect(readExifOrientation(tiffWithOrientation(0, true))).toBeUndefined();
    expect(readExifOrientation(tiffWithOrientation(6, false).subarray(0, 20))).toBeUndefined();
    expect(readExifOrientation(new Uint8Array(4))).toBeUndefined();
  });
});

describe('applyExifOrientation', () => {
  // 3 x 2 image:  1 2 3
  //               4 5 6
  const image = { data: Uint8Array.of(1, 2, 3, 4, 5, 6), width: 3, height: 2, channels: 1 as const };
  // What Pillow's exif_transpose gives for each orientation, written out by hand.
  const expected: Record<ExifOrientation, [width: number, values: number[]]> = {
    1: [3, [1, 2, 3, 4, 5, 6]],
    2: [3, [3, 2, 1, 6, 5, 4]], // FLIP_LEFT_RIGHT
    3: [3, [6, 5, 4, 3, 2, 1]], // ROTATE_180
    4: [3, [4, 5, 6, 1, 2, 3]], // FLIP_TOP_BOTTOM
    5: [2, [1, 4, 2, 5, 3, 6]], // TRANSPOSE
    6: [2, [4, 1, 5, 2, 6, 3]], // ROTATE_270 (90° clockwise)
    7: [2, [6, 3, 5, 2, 4, 1]], // TRANSVERSE
    8: [2, [3, 6, 2, 5, 1, 4]], // ROTATE_90 (90° counter-clockwise)
  };
  for (const [orientation, [width, values]] of Object.entries(expected)) {
    it(`orientation ${orientation}`, () => {
      const turned = applyExifOrientation(image, Number(orientation) as ExifOrientation);
      expect([turned.width, turned.height]).toEqual([width, 6 / width]);
      expect(Array.from(turned.data)).toEqual(values);
    });
  }

  it('moves whole pixels of multi-channel images', () => {
    const rgb = { data: Uint8Array.of(1, 2, 3, 4, 5, 6), width: 2, height: 1, channels: 3 as const };
    expect(Array.from(applyExifOrientation(rgb, 8).data)).toEqual([4, 5, 6, 1, 2, 3]);
  });
});

describe('rocket-exif6.png (EXIF orientation 6)', () => {
  const entry = imageIndex().find((e) => e.id === 'rocket-exif6')!;
  const stored = readBin(entry.raw) as Uint8Array;
  const [height, width] = entry.raw.shape as [number, number];

  it('is upright (200x320) with applyExifOrientation', async () => {
    expect(entry.exif_orientation).toBe(6);
    const image = await loadImage(fixturePath(entry.png), { applyExifOrientation: true });
    expect([image.width, image.height, image.channels]).toEqual([height, width, 3]);
    // Rotating 90° clockwise: output (x, y) comes from stored (column y, row height - 1 - x).
    const rotated = new Uint8Array(stored.length);
    for (let y = 0; y < width; y++) {
      for (let x = 0; x < height; x++) {
        for (let c = 0; c < 3; c++) rotated[(y * height + x) * 3 + c] = stored[((height - 1 - x) * width + y) * 3 + c]!;
      }
    }
    expect(countMismatches(image.data, rotated)).toBe(0);
  });

  it('is as stored (320x200) by default', async () => {
    const image = await loadImage(fixturePath(entry.png));
    expect([image.width, image.height]).toEqual([width, height]);
    expect(countMismatches(image.data, stored)).toBe(0);
  });
});
