import { mkdtempSync, writeFileSync } from 'node:fs';
import { type Server, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { RetinaError, type RetinaErrorCode } from '../errors.js';
import { countMismatches, fixturePath, imageIndex, readBin, readBytes } from '../testing/fixtures.js';
import type { ImageInput } from './image-input.js';
import { type LoadImageOptions, loadImage, loadLabelMap } from './load-image.js';

const chelsea = imageIndex().find((e) => e.id === 'chelsea')!;
const chelseaPixels = readBin(chelsea.raw) as Uint8Array;
const chelseaPng = readBytes(chelsea.png);

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => {
      throw new Error('expected a rejection');
    },
    (error: unknown) => error,
  );
}

async function expectError(input: ImageInput, code: RetinaErrorCode, message: RegExp, options?: LoadImageOptions) {
  const error = await rejection(loadImage(input, options));
  expect(error).toBeInstanceOf(RetinaError);
  expect((error as RetinaError).code).toBe(code);
  expect((error as RetinaError).message).toMatch(message);
  // The failure leaves nothing behind: the next call works.
  const next = await loadImage(chelseaPng);
  expect(countMismatches(next.data, chelseaPixels)).toBe(0);
}

function expectChelsea(image: { data: ArrayLike<number>; width: number; height: number; channels: number }) {
  expect([image.width, image.height, image.channels]).toEqual([451, 300, 3]);
  expect(countMismatches(image.data, chelseaPixels)).toBe(0);
}

describe('raw pixels', () => {
  it('takes 8-bit data as it is, for every channel count', async () => {
    for (const channels of [1, 2, 3, 4] as const) {
      const data = Uint8Array.from({ length: 6 * channels }, (_, i) => i * 7);
      const image = await loadImage({ data, width: 3, height: 2, channels });
      expect(image).toEqual({ data, width: 3, height: 2, channels });
    }
    const clamped = new Uint8ClampedArray([1, 2, 3]);
    expect((await loadImage({ data: clamped, width: 1, height: 1, channels: 3 })).data).toBe(clamped);
  });

  it('converts floats in [0, 1] as Transformers does for Pillow: x * 255 in float32, truncated', async () => {
    // 0.5 * 255 = 127.5 → 127; (100 - 1e-7) / 255 * 255 rounds to 100.0 in float32 → 100.
    const values = [0, 0.5, 1, 0.999, 1 / 255, (100 - 1e-7) / 255];
    const expected = [0, 127, 255, 254, 1, 100];
    for (const Type of [Float32Array, Float64Array]) {
      const image = await loadImage({ data: Type.from(values), width: 2, height: 1, channels: 3 });
      expect(Array.from(image.data)).toEqual(expected);
      expect(image.data).toBeInstanceOf(Uint8Array);
    }
  });

  it.each([
    [{ data: new Uint8Array(0), width: 0, height: 0, channels: 3 }, 'INVALID_IMAGE', /0x0/],
    [{ data: new Uint8Array(6), width: 2, height: 0, channels: 3 }, 'INVALID_IMAGE', /2x0/],
    [{ data: new Uint8Array(10), width: 2, height: 2, channels: 3 }, 'INVALID_IMAGE', /10 values.*needs 12/],
    [{ data: new Uint8Array(10), width: 2, height: 1, channels: 5 }, 'INVALID_IMAGE', /channels = 5/],
    [{ data: Float32Array.of(0, 0.5, NaN, 1), width: 2, height: 2, channels: 1 }, 'INVALID_IMAGE', /NaN at index 2/],
    [{ data: Float64Array.of(0, Infinity), width: 1, height: 1, channels: 2 }, 'INVALID_IMAGE', /Infinity at index 1/],
    [{ data: Float64Array.of(0.2, 0.3, 1.5), width: 1, height: 1, channels: 3 }, 'INVALID_IMAGE', /1\.5 at index 2/],
    [{ data: Float32Array.of(-0.25), width: 1, height: 1, channels: 1 }, 'INVALID_IMAGE', /-0\.25 at index 0/],
    [{ data: [1, 2, 3], width: 1, height: 1, channels: 3 }, 'INVALID_ARGUMENT', /Uint8Array/],
  ] as Array<[ImageInput, RetinaErrorCode, RegExp]>)('rejects bad raw pixels (%#)', async (input, code, message) => {
    await expectError(input, code, message);
  });

  it('applies maxPixels to raw pixels too', async () => {
    await expectError(
      { data: new Uint8Array(300), width: 10, height: 10, channels: 3 },
      'IMAGE_TOO_LARGE',
      /10x10 = 100 pixels.*maxPixels = 99/,
      {
        maxPixels: 99,
      },
    );
  });
});

describe('encoded bytes, Blobs, files and URLs', () => {
  const dir = mkdtempSync(join(tmpdir(), 'retina-load-image-'));
  let server: Server;
  let base: string;

  beforeAll(async () => {
    server = createServer((request, response) => {
      if (request.url === '/chelsea.png') {
        response.writeHead(200, { 'content-type': 'image/png' }).end(chelseaPng);
      } else if (request.url !== '/never-answers.png') {
        response.writeHead(404, 'Not Found').end('no such image');
      }
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  it('decodes an ArrayBuffer, a Node Buffer and a Blob', async () => {
    expectChelsea(await loadImage(chelseaPng.slice().buffer));
    expectChelsea(await loadImage(Buffer.from(chelseaPng)));
    expectChelsea(await loadImage(new Blob([chelseaPng as BlobPart], { type: 'image/png' })));
  });

  it('reads a file path (absolute or relative to the working directory) and a file: URL', async () => {
    const path = fixturePath(chelsea.png);
    expectChelsea(await loadImage(path));
    expectChelsea(await loadImage(relative(process.cwd(), path)));
    expectChelsea(await loadImage(pathToFileURL(path).href));
  });

  it('reports a missing file with its path', async () => {
    const missing = join(dir, 'missing.png');
    await expectError(missing, 'FILE_NOT_FOUND', new RegExp(`no file at ${missing.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`));
  });

  it('fetches http and data: URLs', async () => {
    expectChelsea(await loadImage(`${base}/chelsea.png`));
    expectChelsea(await loadImage(`data:image/png;base64,${Buffer.from(chelseaPng).toString('base64')}`));
  });

  it('reports an HTTP 404 with the URL and status', async () => {
    await expectError(`${base}/nothing-here.png`, 'FILE_NOT_FOUND', /127\.0\.0\.1:\d+\/nothing-here\.png failed with HTTP 404/);
  });

  it('uses the fetch given in the options', async () => {
    const fetchSpy = vi.fn((url: string | URL | Request, init?: RequestInit) => fetch(url, init));
    expectChelsea(await loadImage(`${base}/chelsea.png`, { fetch: fetchSpy }));
    expect(fetchSpy).toHaveBeenCalledOnce();
  });

  it('rejects with the abort reason, before starting or while fetching', async () => {
    const aborted = AbortSignal.abort();
    expect(await rejection(loadImage(chelseaPng, { signal: aborted }))).toBe(aborted.reason);
    const controller = new AbortController();
    const pending = loadImage(`${base}/never-answers.png`, { signal: controller.signal });
    setTimeout(() => controller.abort(), 20);
    expect((await rejection(pending)) as Error).toHaveProperty('name', 'AbortError');
    expectChelsea(await loadImage(chelseaPng));
  });

  it('rejects random bytes and text files as unrecognised, naming the first bytes', async () => {
    const random = Uint8Array.from({ length: 64 }, (_, i) => (i * 97 + 13) % 251);
    await expectError(random, 'UNSUPPORTED_IMAGE_FORMAT', /not recognised.*0d 6e cf/);
    const textFile = join(dir, 'notes.txt');
    writeFileSync(textFile, 'hello, this is not an image');
    await expectError(textFile, 'UNSUPPORTED_IMAGE_FORMAT', /not recognised.*"hello, this "/);
    await expectError(new Uint8Array(0), 'UNSUPPORTED_IMAGE_FORMAT', /empty/);
  });

  it('calls a PNG or JPEG cut off inside its signature truncated, not unrecognised', async () => {
    const truncated = (format: string, bytes: number) =>
      new RegExp(`^The ${format} could not be decoded: the file ends after ${bytes} bytes.*\\(truncated file\\)`);
    await expectError(Uint8Array.of(0xff, 0xd8), 'IMAGE_DECODE_FAILED', truncated('JPEG', 2));
    await expectError(chelseaPng.slice(0, 5), 'IMAGE_DECODE_FAILED', truncated('PNG', 5));
    // One byte says too little; two bytes of something else are still unrecognised.
    await expectError(Uint8Array.of(0xff), 'UNSUPPORTED_IMAGE_FORMAT', /not recognised/);
    await expectError(Uint8Array.of(0xff, 0xd9), 'UNSUPPORTED_IMAGE_FORMAT', /not recognised/);
  });

  it('names formats Node cannot decode and what it can', async () => {
    const gif = Uint8Array.from([...'GIF89a'].map((c) => c.charCodeAt(0)).concat([1, 0, 1, 0, 0, 0, 0]));
    await expectError(gif, 'UNSUPPORTED_IMAGE_FORMAT', /GIF image.*PNG and JPEG/);
  });

  it('rejects inputs of the wrong kind', async () => {
    await expectError(42 as unknown as ImageInput, 'INVALID_ARGUMENT', /from number/);
    await expectError({} as ImageInput, 'INVALID_ARGUMENT', /from Object/);
    await expectError(new Float32Array(12) as unknown as ImageInput, 'INVALID_ARGUMENT', /Float32Array.*\{data, width, height, channels\}/);
    await expectError(chelseaPng, 'INVALID_ARGUMENT', /maxPixels must be a positive number/, { maxPixels: 0 });
  });
});

describe('loadLabelMap with raw pixels', () => {
  it('accepts one channel of 8-bit class indices', async () => {
    const data = Uint8Array.of(0, 1, 2, 255);
    expect(await loadLabelMap({ data, width: 2, height: 2, channels: 1 })).toEqual({ data, width: 2, height: 2, channels: 1 });
  });

  it('rejects float data and several channels', async () => {
    const float = await rejection(loadLabelMap({ data: new Float32Array(4), width: 2, height: 2, channels: 1 }));
    expect((float as RetinaError).message).toMatch(/float data.*Uint8Array/);
    const rgb = await rejection(loadLabelMap({ data: new Uint8Array(12), width: 2, height: 2, channels: 3 }));
    expect((rgb as RetinaError).message).toMatch(/3 channels \(RGB\)/);
  });
});
