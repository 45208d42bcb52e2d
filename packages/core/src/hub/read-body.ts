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
  const reader = response.body?.getReader();
  // Bodies from a cache or a custom fetch may ignore the signal; cancelling ends the pending read.
  const cancel = () => void reader?.cancel().catch(() => undefined);
  signal?.addEventListener('abort', cancel, { once: true });
  try {
    for (;;) {
      const chunk = await reader?.read().catch((error: unknown) => {
        if (signal?.aborted) throw abortError(file, url, signal);
        throw downloadError(file, url, buffer.length, total, error);
      });
      if (signal?.aborted) throw abortError(file, url, signal);
      if (!chunk || chunk.done) break;
      buffer.append(chunk.value);
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

/** Collects chunks in one buffer, sized up front when the length is known. */
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

  bytes(): Uint8Array<ArrayBuffer> {
    return this.length === this.data.length ? this.data : this.data.slice(0, this.length);
  }
}
