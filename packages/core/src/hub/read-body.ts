import { RetinaError } from '../errors.js';
import type { ReadFileOptions } from './model-repo.js';
import { abortError, describeError } from './read-errors.js';
import { fileTooLarge } from './read-limit.js';

/**
 * Reads a response body to the end, reporting progress per chunk. `total` comes from
 * content-length; a body shorter than that rejects as truncated. A body of more than `maxBytes`
 * (decoded: a compressed body counts what it inflates to) rejects with FILE_TOO_LARGE: a
 * content-length above it before anything is allocated, a longer body as soon as it passes it.
 */
export async function readBody(
  response: Response,
  file: string,
  url: string,
  { signal, onProgress }: ReadFileOptions,
  maxBytes: number,
): Promise<Uint8Array<ArrayBuffer>> {
  const total = declaredLength(response);
  if (total !== undefined && total > maxBytes) {
    await response.body?.cancel().catch(() => undefined);
    throw fileTooLarge(file, url, `is ${total} bytes (its Content-Length)`, maxBytes);
  }
  const buffer = new GrowableBytes(total, maxBytes);
  const reader = chunkReader(response.body, buffer);
  // Bodies from a cache or a custom fetch may ignore the signal; cancelling ends the pending read.
  const cancel = () => void reader?.cancel().catch(() => undefined);
  signal?.addEventListener('abort', cancel, { once: true });
  try {
    for (;;) {
      const done = await reader?.read().catch((error: unknown) => {
        if (signal?.aborted) throw abortError(file, url, signal);
        throw downloadError(file, url, buffer.length, total, error);
      });
      if (signal?.aborted) throw abortError(file, url, signal);
      if (buffer.overflowed) {
        cancel();
        throw fileTooLarge(file, url, `goes on past ${maxBytes} bytes`, maxBytes);
      }
      if (done !== false) break;
      // A compressed body can outgrow a content-length that counts compressed bytes.
      onProgress?.({ file, loaded: buffer.length, total: total !== undefined && buffer.length <= total ? total : undefined });
    }
  } finally {
    signal?.removeEventListener('abort', cancel);
  }
  if (total !== undefined && buffer.length < total) throw downloadError(file, url, buffer.length, total, undefined);
  if (buffer.length === 0) onProgress?.({ file, loaded: 0, total });
  return buffer.bytes();
}

/** Reads the next part of a body into `buffer`; resolves true at the end. */
interface ChunkReader {
  read(): Promise<boolean>;
  cancel(): Promise<void>;
}

/** What a byte stream reads into before its bytes are copied on: reused, so reads leave nothing behind. */
const SCRATCH_BYTES = 1 << 20;

/**
 * Where the body is a byte stream (fetch bodies in browsers and Node), the stream writes into one scratch
 * buffer that every read hands back: no chunk per read is left for the garbage collector (a checkpoint's
 * size of them otherwise, which the worker's memory peak carries until a collection). Reading straight
 * into the body's buffer instead transfers that whole buffer on every read, which slows with its size:
 * in Node 20 a 128 MB body took 33 s that way, 2.3 s chunk by chunk. Other streams hand over chunks, copied in.
 */
function chunkReader(body: ReadableStream<Uint8Array> | null, buffer: GrowableBytes): ChunkReader | undefined {
  if (!body) return undefined;
  let byob: ReadableStreamBYOBReader | undefined;
  try {
    byob = body.getReader({ mode: 'byob' });
  } catch {
    // Not a byte stream.
  }
  if (byob) {
    const reader = byob;
    let scratch = new Uint8Array(SCRATCH_BYTES);
    return {
      async read() {
        const { done, value } = await reader.read(scratch);
        if (value) {
          buffer.append(value);
          scratch = new Uint8Array(value.buffer);
        }
        return done;
      },
      cancel: () => reader.cancel(),
    };
  }
  const reader = body.getReader();
  return {
    async read() {
      const { done, value } = await reader.read();
      if (value) buffer.append(value);
      return done;
    },
    cancel: () => reader.cancel(),
  };
}

function declaredLength(response: Response): number | undefined {
  const encoding = response.headers.get('content-encoding');
  if (encoding !== null && encoding !== 'identity') return undefined;
  const length = Number(response.headers.get('content-length') ?? NaN);
  return Number.isSafeInteger(length) && length >= 0 ? length : undefined;
}

function downloadError(file: string, url: string, loaded: number, total: number | undefined, cause: unknown): RetinaError {
  const cut = total !== undefined && loaded < total ? ` was cut off after ${loaded} of ${total} bytes` : ' failed';
  const reason = cause === undefined ? '' : ` (${describeError(cause)})`;
  return new RetinaError(
    'MODEL_LOAD_FAILED',
    `Downloading ${file} from ${url}${cut}${reason}. Check the network connection and try again.`,
    { cause },
  );
}

/**
 * Collects a body in one buffer, sized up front when the length is known, never past `limit` bytes: a body
 * that has more sets `overflowed` instead of growing the buffer.
 */
class GrowableBytes {
  private data: Uint8Array<ArrayBuffer>;
  length = 0;
  overflowed = false;

  constructor(
    expectedLength: number | undefined,
    private readonly limit: number,
  ) {
    this.data = new Uint8Array(expectedLength ?? Math.min(1 << 16, limit));
  }

  append(chunk: Uint8Array): void {
    const needed = this.length + chunk.length;
    if (needed > this.limit) {
      this.overflowed = true;
      return;
    }
    if (needed > this.data.length) {
      const grown = new Uint8Array(Math.min(Math.max(needed, this.data.length * 2), this.limit));
      grown.set(this.data.subarray(0, this.length));
      this.data = grown;
    }
    this.data.set(chunk, this.length);
    this.length = needed;
  }

  bytes(): Uint8Array<ArrayBuffer> {
    return this.length === this.data.length ? this.data : this.data.slice(0, this.length);
  }
}
