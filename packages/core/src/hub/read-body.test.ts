import { describe, expect, it } from 'vitest';
import type { FileProgress } from './model-repo.js';
import { readBody } from './read-body.js';
import { DEFAULT_MAX_FILE_BYTES } from './read-limit.js';

const BODY = Uint8Array.from({ length: 200_000 }, (_, i) => (i * 7) % 251);

/** A byte stream serving `body` in pieces of at most `piece` bytes, recording whether each pull wrote into a reader's buffer. */
function byteStream(body: Uint8Array, piece: number) {
  let sent = 0;
  const pulls: ('into the reader' | 'own chunk')[] = [];
  const stream = new ReadableStream({
    type: 'bytes',
    pull(controller) {
      const request = controller.byobRequest;
      if (sent === body.length) {
        controller.close();
        // A reader waiting with its buffer gets it back, empty.
        return request?.respond(0);
      }
      if (request?.view) {
        const n = Math.min(piece, request.view.byteLength, body.length - sent);
        new Uint8Array(request.view.buffer, request.view.byteOffset, n).set(body.subarray(sent, sent + n));
        request.respond(n);
        sent += n;
        pulls.push('into the reader');
      } else {
        const n = Math.min(piece, body.length - sent);
        controller.enqueue(body.slice(sent, sent + n));
        sent += n;
        pulls.push('own chunk');
      }
    },
  });
  return { stream, pulls };
}

function chunkStream(body: Uint8Array, piece: number): ReadableStream<Uint8Array> {
  let sent = 0;
  return new ReadableStream({
    pull(controller) {
      if (sent >= body.length) return controller.close();
      controller.enqueue(body.slice(sent, sent + piece));
      sent += piece;
    },
  });
}

/** No limit in the way: the default maxFileBytes. */
const LIMIT = DEFAULT_MAX_FILE_BYTES;

const response = (stream: ReadableStream<Uint8Array>, length?: number) =>
  new Response(stream, { headers: length === undefined ? {} : { 'content-length': String(length) } });

describe('readBody', () => {
  it('has a byte stream write into the reader, collected in one buffer of the declared length, and reports progress', async () => {
    const { stream, pulls } = byteStream(BODY, 30_000);
    const progress: FileProgress[] = [];
    const bytes = await readBody(
      response(stream, BODY.length),
      'model.safetensors',
      'http://host/model.safetensors',
      {
        onProgress: (event) => progress.push(event),
      },
      LIMIT,
    );
    expect(bytes).toEqual(BODY);
    expect(bytes.buffer.byteLength).toBe(BODY.length);
    expect(new Set(pulls)).toEqual(new Set(['into the reader']));
    expect(progress.map(({ loaded }) => loaded)).toEqual([30_000, 60_000, 90_000, 120_000, 150_000, 180_000, 200_000]);
    expect(progress.every(({ total }) => total === BODY.length)).toBe(true);
  });

  it('reads a byte stream of unknown length, and one longer than it declared', async () => {
    expect(await readBody(response(byteStream(BODY, 50_000).stream), 'f', 'u', {}, LIMIT)).toEqual(BODY);
    expect(await readBody(response(byteStream(BODY, 50_000).stream, 1000), 'f', 'u', {}, LIMIT)).toEqual(BODY);
  });

  it('copies in the chunks of a stream that is not a byte stream', async () => {
    expect(await readBody(response(chunkStream(BODY, 65_536), BODY.length), 'f', 'u', {}, LIMIT)).toEqual(BODY);
    expect(await readBody(response(chunkStream(BODY, 65_536)), 'f', 'u', {}, LIMIT)).toEqual(BODY);
  });

  it('refuses a body shorter than its content-length, on either kind of stream', async () => {
    const cut = BODY.subarray(0, 1234);
    for (const stream of [byteStream(cut, 1000).stream, chunkStream(cut, 1000)]) {
      await expect(readBody(response(stream, BODY.length), 'model.safetensors', 'http://host/m', {}, LIMIT)).rejects.toMatchObject({
        code: 'MODEL_LOAD_FAILED',
        message: `Downloading model.safetensors from http://host/m was cut off after 1234 of ${BODY.length} bytes. Check the network connection and try again.`,
      });
    }
  });

  it('reads an empty body', async () => {
    const progress: FileProgress[] = [];
    const bytes = await readBody(
      response(byteStream(new Uint8Array(0), 10).stream, 0),
      'f',
      'u',
      {
        onProgress: (event) => progress.push(event),
      },
      LIMIT,
    );
    expect(bytes.length).toBe(0);
    expect(progress).toEqual([{ file: 'f', loaded: 0, total: 0 }]);
  });

  it('refuses a content-length above maxBytes before allocating or reading anything', async () => {
    let pulled = false;
    let cancelled = false;
    const stream = new ReadableStream<Uint8Array>({
      pull: () => void (pulled = true),
      cancel: () => void (cancelled = true),
    });
    await expect(readBody(response(stream, 1e15), 'model.safetensors', 'http://host/m', {}, LIMIT)).rejects.toMatchObject({
      code: 'FILE_TOO_LARGE',
      message: expect.stringMatching(
        /^model\.safetensors from http:\/\/host\/m is 1000000000000000 bytes \(its Content-Length\), more than maxFileBytes \(4294967296 bytes\) allows\..*raise maxFileBytes/,
      ),
    });
    expect([pulled, cancelled]).toEqual([false, true]);
  });

  it('stops a body that goes on past maxBytes, without a length or beyond its length, on either kind of stream', async () => {
    for (const declared of [undefined, 1000]) {
      for (const [kind, make] of [
        ['byte stream', () => byteStream(BODY, 7_000).stream],
        ['chunks', () => chunkStream(BODY, 7_000)],
      ] as const) {
        const error = await readBody(response(make(), declared), 'model.onnx', 'u', {}, 100_000).catch((e: unknown) => e);
        expect(error, `${kind}, length ${declared}`).toMatchObject({
          code: 'FILE_TOO_LARGE',
          message: expect.stringMatching(/goes on past 100000 bytes/),
        });
      }
    }
    expect(await readBody(response(byteStream(BODY, 7_000).stream), 'f', 'u', {}, BODY.length)).toEqual(BODY);
    expect(await readBody(response(chunkStream(BODY, 7_000)), 'f', 'u', {}, BODY.length)).toEqual(BODY);
  });
});
