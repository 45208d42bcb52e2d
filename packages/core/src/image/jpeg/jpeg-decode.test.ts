import jpeg from 'jpeg-js';
import { describe, expect, it } from 'vitest';
import { RetinaError } from '../../errors.js';
import { maxAbsDiff } from '../../testing/fixtures.js';
import { loadImage, loadLabelMap } from '../load-image.js';

const WIDTH = 37;
const HEIGHT = 23;

/** A smooth RGBA gradient, which JPEG at high quality keeps within a few levels. */
function gradient(): Uint8Array {
  const rgba = new Uint8Array(WIDTH * HEIGHT * 4);
  for (let y = 0; y < HEIGHT; y++) {
    for (let x = 0; x < WIDTH; x++) {
      rgba.set([40 + 4 * x, 60 + 5 * y, 200 - 2 * x - 2 * y, 255], (y * WIDTH + x) * 4);
    }
  }
  return rgba;
}

function withoutAlpha(rgba: Uint8Array): Uint8Array {
  return rgba.filter((_, i) => i % 4 !== 3);
}

const source = gradient();
const encoded = new Uint8Array(jpeg.encode({ data: source, width: WIDTH, height: HEIGHT }, 95).data);

/** APP1 segment holding EXIF (big-endian TIFF) with the given Orientation. */
function exifSegment(orientation: number): Uint8Array {
  const tiff = [0x4d, 0x4d, 0, 42, 0, 0, 0, 8, 0, 1, 0x01, 0x12, 0, 3, 0, 0, 0, 1, 0, orientation, 0, 0, 0, 0, 0, 0];
  const body = [0x45, 0x78, 0x69, 0x66, 0, 0, ...tiff];
  const length = body.length + 2;
  return Uint8Array.from([0xff, 0xe1, length >> 8, length & 0xff, ...body]);
}

function insertAfterSoi(file: Uint8Array, segment: Uint8Array): Uint8Array {
  return Uint8Array.from([...file.subarray(0, 2), ...segment, ...file.subarray(2)]);
}

/**
 * An 8x8 grayscale baseline JPEG whose one block is flat: quantisation 1, single-code Huffman
 * tables, DC = 8 * (level - 128) with level 200, i.e. every pixel 200.
 */
function flatGrayJpeg(): Uint8Array {
  const segment = (marker: number, body: number[]) => [0xff, marker, (body.length + 2) >> 8, (body.length + 2) & 0xff, ...body];
  const dc = 8 * (200 - 128); // 576: magnitude category 10
  const bits = `0${dc.toString(2).padStart(10, '0')}0`; // DC code, DC bits, AC code (end of block)
  const padded = bits.padEnd(Math.ceil(bits.length / 8) * 8, '1');
  const scan = Array.from({ length: padded.length / 8 }, (_, i) => parseInt(padded.slice(i * 8, i * 8 + 8), 2));
  const oneCodeOfLengthOne = [1, ...new Array(15).fill(0)];
  return Uint8Array.from([
    0xff, 0xd8,
    ...segment(0xdb, [0x00, ...new Array(64).fill(1)]),
    ...segment(0xc0, [8, 0, 8, 0, 8, 1, 1, 0x11, 0]),
    ...segment(0xc4, [0x00, ...oneCodeOfLengthOne, 10]),
    ...segment(0xc4, [0x10, ...oneCodeOfLengthOne, 0x00]),
    ...segment(0xda, [1, 1, 0x00, 0, 63, 0]),
    ...scan,
    0xff, 0xd9,
  ]);
}

async function failure(promise: Promise<unknown>): Promise<RetinaError> {
  const error = await promise.then(() => undefined, (e: unknown) => e);
  expect(error).toBeInstanceOf(RetinaError);
  return error as RetinaError;
}

describe('JPEG decoding (Node: jpeg-js)', () => {
  it('decodes a colour JPEG to RGB close to the encoded pixels', async () => {
    const image = await loadImage(encoded);
    expect([image.width, image.height, image.channels]).toEqual([WIDTH, HEIGHT, 3]);
    expect(maxAbsDiff(image.data, withoutAlpha(source))).toBeLessThanOrEqual(8);
  });

  it('decodes a grayscale JPEG to one channel, like Pillow mode L', async () => {
    const image = await loadImage(flatGrayJpeg());
    expect([image.width, image.height, image.channels]).toEqual([8, 8, 1]);
    expect(maxAbsDiff(image.data, new Array(64).fill(200))).toBeLessThanOrEqual(1);
    expect((await loadLabelMap(flatGrayJpeg())).channels).toBe(1);
  });

  it('turns the image upright by EXIF orientation 6 only when asked', async () => {
    const plain = await loadImage(encoded);
    const tagged = insertAfterSoi(encoded, exifSegment(6));
    const asStored = await loadImage(tagged);
    expect(Array.from(asStored.data)).toEqual(Array.from(plain.data));

    const upright = await loadImage(tagged, { applyExifOrientation: true });
    expect([upright.width, upright.height]).toEqual([HEIGHT, WIDTH]);
    // 90° clockwise: output (x, y) comes from stored (column y, row HEIGHT - 1 - x).
    const expected: number[] = [];
    for (let y = 0; y < WIDTH; y++) {
      for (let x = 0; x < HEIGHT; x++) expected.push(...plain.data.subarray(((HEIGHT - 1 - x) * WIDTH + y) * 3, ((HEIGHT - 1 - x) * WIDTH + y) * 3 + 3));
    }
    expect(Array.from(upright.data)).toEqual(expected);
  });

  it.each([
    ['half the file', Math.floor(encoded.length / 2)],
    ['without the end-of-image marker', encoded.length - 2],
    ['inside the header segments', 30],
  ])('reports a truncated JPEG (%s) as IMAGE_DECODE_FAILED, then decodes the next one', async (_, cut) => {
    const error = await failure(loadImage(encoded.slice(0, cut)));
    expect(error.code).toBe('IMAGE_DECODE_FAILED');
    expect(error.message).toMatch(/truncated/);
    expect((await loadImage(encoded)).width).toBe(WIDTH);
  });

  it('refuses a frame header claiming 60000x60000 before decoding', async () => {
    const huge = encoded.slice();
    const sof = huge.findIndex((b, i) => b === 0xff && huge[i + 1] === 0xc0);
    huge.set([60000 >> 8, 60000 & 0xff, 60000 >> 8, 60000 & 0xff], sof + 5);
    const error = await failure(loadImage(huge));
    expect(error.code).toBe('IMAGE_TOO_LARGE');
    expect(error.message).toContain('60000x60000');
    expect((await loadImage(encoded)).height).toBe(HEIGHT);
  });

  it('rejects a colour JPEG as a label map', async () => {
    expect((await failure(loadLabelMap(encoded))).code).toBe('INVALID_IMAGE');
  });
});
