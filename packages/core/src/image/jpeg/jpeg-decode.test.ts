import { describe, expect, it } from 'vitest';
import { RetinaError } from '../../errors.js';
import { countMismatches, jpegIndex, readBytes } from '../../testing/fixtures.js';
import { loadImage, loadImageWithDecoder, loadLabelMap } from '../load-image.js';

const cases = jpegIndex();
const jpegOf = (id: string) => readBytes('jpeg', `${id}.jpg`);
const pillowPixels = (id: string) => readBytes('jpeg', `${id}.bin`);
const encoded = jpegOf('chelsea-odd-33x17');
const [WIDTH, HEIGHT] = [33, 17];

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

async function failure(promise: Promise<unknown>): Promise<RetinaError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(RetinaError);
  return error as RetinaError;
}

describe('JPEG decoding (Node: libjpeg-turbo WebAssembly)', () => {
  it.each(cases.map((c) => [c.id, c] as const))('decodes %s to exactly the pixels Pillow 9.4 gives', async (id, entry) => {
    const { image, decoder } = await loadImageWithDecoder(jpegOf(id));
    expect(decoder).toBe('wasm');
    expect([image.width, image.height, image.channels]).toEqual([entry.width, entry.height, entry.channels]);
    expect(countMismatches(image.data, pillowPixels(id))).toBe(0);
  });

  it('decodes every case the same with keepOpaqueAlpha (Node has no RGBA decoder) and as a gray label map', async () => {
    const rgb = await loadImage(jpegOf('chelsea-q75-420'), { keepOpaqueAlpha: true });
    expect(countMismatches(rgb.data, pillowPixels('chelsea-q75-420'))).toBe(0);
    const labels = await loadLabelMap(jpegOf('camera-gray'));
    expect(countMismatches(labels.data, pillowPixels('camera-gray'))).toBe(0);
  });

  it('decodes a file with a warning (extraneous bytes before a marker) as Pillow does, whole', async () => {
    // libjpeg warns "Corrupt JPEG data: 2 extraneous bytes before marker 0xd9" and keeps the pixels.
    const padded = Uint8Array.from([...encoded.subarray(0, encoded.length - 2), 0x12, 0x34, 0xff, 0xd9]);
    const image = await loadImage(padded);
    expect(countMismatches(image.data, pillowPixels('chelsea-odd-33x17'))).toBe(0);
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
      for (let x = 0; x < HEIGHT; x++)
        expected.push(...plain.data.subarray(((HEIGHT - 1 - x) * WIDTH + y) * 3, ((HEIGHT - 1 - x) * WIDTH + y) * 3 + 3));
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

  it('reports data libjpeg-turbo stops on as IMAGE_DECODE_FAILED, and the next file decodes exactly', async () => {
    // An undefined Huffman table in the scan header: libjpeg raises an error (a longjmp) mid-decode.
    const broken = encoded.slice();
    const sos = broken.findIndex((b, i) => b === 0xff && broken[i + 1] === 0xda);
    broken[sos + 6] = 0x33; // first component: DC and AC table 3, which the file never defines
    for (let attempt = 0; attempt < 3; attempt++) {
      const error = await failure(loadImage(broken));
      expect(error.code).toBe('IMAGE_DECODE_FAILED');
      expect(error.message).toMatch(/JPEG could not be decoded \(3 components\)/);
    }
    expect(countMismatches((await loadImage(encoded)).data, pillowPixels('chelsea-odd-33x17'))).toBe(0);
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

  it('rejects a colour JPEG as a label map, and an unknown jpegDecoder', async () => {
    expect((await failure(loadLabelMap(encoded))).code).toBe('INVALID_IMAGE');
    const bad = await failure(loadImage(encoded, { jpegDecoder: 'fast' as 'auto' }));
    expect(bad.code).toBe('INVALID_ARGUMENT');
    expect(bad.message).toContain("'auto' or 'wasm'");
  });
});
