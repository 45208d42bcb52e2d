// What a PNG can make the decoder spend: a header cannot claim more pixels than its compressed data
// can hold (refused before anything is allocated), and a 16-bit image decodes into its 8-bit result
// without full-size intermediate copies.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { deflateSync } from 'node:zlib';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { RetinaError } from '../../errors.js';
import { concatBytes } from '../../onnx/protobuf-writer.js';
import { measureInChild } from '../../testing/measure-in-child.js';
import { chunk } from '../../testing/png-writer.js';
import { loadImage } from '../load-image.js';
import { inflateZlib } from './png-inflate.js';

vi.mock('./png-inflate.js', async (importOriginal) => {
  const actual = await importOriginal<typeof import('./png-inflate.js')>();
  return { ...actual, inflateZlib: vi.fn(actual.inflateZlib) };
});
/** How many ScanlineDecoders (which allocate the image) were made. */
const made = vi.hoisted(() => ({ decoders: 0 }));
vi.mock('./png-scanlines.js', async (importOriginal) => {
  const actual = await importOriginal<typeof import('./png-scanlines.js')>();
  class CountedDecoder extends actual.ScanlineDecoder {
    constructor(...args: ConstructorParameters<typeof actual.ScanlineDecoder>) {
      super(...args);
      made.decoders++;
    }
  }
  return { ...actual, ScanlineDecoder: CountedDecoder };
});

/** What the loadImage scenario returns. */
interface Decoded {
  decodedBytes: number;
  channels: number;
  firstPixel: number[];
}

/** A PNG whose IHDR says `width`x`height` at `depth` bits, colour type `colorType`, around the zlib stream `idat`. */
function pngWith(width: number, height: number, depth: number, colorType: number, idat: Uint8Array): Uint8Array {
  const header = new Uint8Array(13);
  new DataView(header.buffer).setUint32(0, width);
  new DataView(header.buffer).setUint32(4, height);
  header.set([depth, colorType, 0, 0, 0], 8);
  const signature = Uint8Array.of(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a);
  return concatBytes([signature, chunk('IHDR', header), chunk('IDAT', idat), chunk('IEND', new Uint8Array(0))]);
}

describe('PNG decompression limits', () => {
  it('refuses a 69-byte file claiming 8192x8192 16-bit RGBA before allocating anything', async () => {
    const bomb = pngWith(8192, 8192, 16, 6, deflateSync(new Uint8Array(4)));
    expect(bomb.length).toBe(69);
    vi.mocked(inflateZlib).mockClear();
    made.decoders = 0;

    const error = await loadImage(bomb).then(
      () => undefined,
      (thrown: unknown) => thrown,
    );

    expect(error).toBeInstanceOf(RetinaError);
    expect(error).toMatchObject({ code: 'IMAGE_DECODE_FAILED' });
    expect((error as Error).message).toMatch(
      /claims 8192x8192 pixels \(536879104 bytes of image data\), but its 12 bytes of compressed data can hold at most 13408 /,
    );
    expect(inflateZlib).not.toHaveBeenCalled();
    expect(made.decoders).toBe(0);
  });

  it('still decodes data compressed as far as deflate goes (all-zero rows, about 1000:1)', async () => {
    const rows = new Uint8Array(512 * (512 * 8 + 1));
    const png = pngWith(512, 512, 16, 6, deflateSync(rows, { level: 9 }));
    expect(rows.length / png.length).toBeGreaterThan(900);
    const image = await loadImage(png);
    expect([image.width, image.height, image.channels, image.data.every((v) => v === 0)]).toEqual([512, 512, 4, true]);
  });

  describe('a 4096x4096 16-bit RGBA file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'retina-png-'));
    afterAll(() => rmSync(dir, { recursive: true, force: true }));
    const side = 4096;

    it('decodes with its peak memory raised by little more than the 8-bit result (64 MiB)', async () => {
      // First row: samples 0x1234, 0x5678, 0x9abc, 0xdef0 per pixel; every later row repeats it (filter Up, zeros).
      const rowBytes = side * 8;
      const rows = new Uint8Array(side * (rowBytes + 1));
      for (let x = 0; x < side; x++) rows.set([0x12, 0x34, 0x56, 0x78, 0x9a, 0xbc, 0xde, 0xf0], 1 + x * 8);
      for (let y = 1; y < side; y++) rows[y * (rowBytes + 1)] = 2;
      const file = join(dir, 'rgba16.png');
      writeFileSync(file, pngWith(side, side, 16, 6, deflateSync(rows)));

      const { growthBytes, value } = await measureInChild('loadImage', [file]);
      const { decodedBytes, channels, firstPixel } = value as Decoded;

      expect([decodedBytes, channels, firstPixel]).toEqual([side * side * 4, 4, [0x12, 0x56, 0x9a, 0xde]]);
      console.log(`4096x4096 RGBA16: peak RSS +${(growthBytes / 2 ** 20).toFixed(0)} MiB for a ${decodedBytes / 2 ** 20} MiB result`);
      // One full-size intermediate copy, even of the 8-bit samples (64 MiB; the 16-bit data is 128 MiB), breaks this bound.
      expect(growthBytes).toBeLessThan(2 * decodedBytes);
    });
  });
});
