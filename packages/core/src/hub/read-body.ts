import { RetinaError } from '../errors.js';
import type { ReadFileOptions } from './model-repo.js';
import { abortError, describeError } from './read-errors.js';

/**
 * Reads a response body to the end, reporting progress per chunk. `total` comes from
 * content-length; a body shorter than that rejects as truncated.
 */
export async function readBody(
  response: Response,
  file: string,
  url: string,
  { signal, onProgress }: ReadFileOptions,
): Promise<Uint8Array<ArrayBuffer>> {
  const total = declaredLength(response);
  const buffer = new GrowableBytes(total);
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

/**
 * Where the body is a byte stream (fetch bodies in browsers), the stream writes straight into Retina's
 * buffer: no chunk per read is left for the garbage collector (a checkpoint's size of them otherwise,
 * which the worker's memory peak carries until a collection). Other streams hand over chunks, copied in.
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
    return {
      async read() {
        const { into, filled } = buffer.readTarget();
        const { done, value } = await reader.read(into);
        if (value) filled(value);
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

/** Collects a body in one buffer, sized up front when the length is known. */
class GrowableBytes {
  private data: Uint8Array<ArrayBuffer>;
  length = 0;

  constructor(expectedLength: number | undefined) {
    this.data = new Uint8Array(expectedLength ?? 1 << 16);
  }

  append(chunk: Uint8Array): void {
    const needed = this.length + chunk.length;
    if (needed > this.data.length) {
      const grown = new Uint8Array(Math.max(needed, this.data.length * 2));
      grown.set(this.data.subarray(0, this.length));
      this.data = grown;
    }
    this.data.set(chunk, this.length);
    this.length = needed;
  }

  /**
   * Where a byte stream's next read goes: the free end of the buffer, and what to do with the view the
   * read returns (its buffer is the one read into, transferred). Once the buffer is full, a small view
   * finds out whether the body is really over (no growing the buffer just to learn that it is).
   */
  readTarget(): { into: Uint8Array<ArrayBuffer>; filled: (view: Uint8Array<ArrayBuffer>) => void } {
    if (this.length === this.data.length) return { into: new Uint8Array(1 << 16), filled: (view) => this.append(view) };
    return {
      into: this.data.subarray(this.length),
      filled: (view) => {
        this.data = new Uint8Array(view.buffer);
        this.length += view.byteLength;
      },
    };
  }

  bytes(): Uint8Array<ArrayBuffer> {
    return this.length === this.data.length ? this.data : this.data.slice(0, this.length);
  }
}
