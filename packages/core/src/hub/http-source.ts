import { RetinaError } from '../errors.js';
import type { CacheLike } from './browser-cache.js';
import { checkDownload } from './check-download.js';
import type { FileSource } from './file-source.js';
import type { VerifyFile } from './integrity.js';
import type { ReadFileOptions } from './model-repo.js';
import { readBody } from './read-body.js';
import { abortError, describeError, throwIfAborted } from './read-errors.js';

export interface HttpSourceOptions {
  location: string;
  urlOf(file: string): string;
  fetch: typeof fetch | undefined;
  /** Resolves the cache to read from and fill, or undefined to go uncached. */
  cache(): Promise<CacheLike | undefined>;
  verify: VerifyFile;
  /** Ends the FILE_NOT_FOUND message of a 404: what to check. */
  notFoundHint: string;
  /** Largest body read (decoded), in bytes. */
  maxFileBytes: number;
}

/** Files served over HTTP, optionally kept in the Cache API once complete, checked (check-download.ts) and verified. */
export function httpSource(options: HttpSourceOptions): FileSource {
  const { location, urlOf, cache, verify, maxFileBytes } = options;

  const request = async (file: string, url: string, signal: AbortSignal | undefined) => {
    const fetchFile = options.fetch ?? ((input, init) => globalThis.fetch(input, init));
    try {
      return await fetchFile(url, { signal });
    } catch (error) {
      if (signal?.aborted) throw abortError(file, url, signal);
      throw new RetinaError(
        'MODEL_LOAD_FAILED',
        `Could not download ${file} from ${url} (${describeError(error)}). ` +
          'Check the network connection, and for another origin that the server allows CORS.',
        { cause: error },
      );
    }
  };

  const readCached = async (file: string, url: string, store: CacheLike, readOptions: ReadFileOptions) => {
    const cached = await store.match(url);
    if (!cached) return undefined;
    try {
      const bytes = await readBody(cached, file, url, readOptions, maxFileBytes);
      checkDownload(file, bytes, url, cached.headers.get('content-type'));
      await verify(file, bytes, url);
      return bytes;
    } catch (error) {
      if (readOptions.signal?.aborted) throw error;
      // A cached copy that is cut off, does not parse (e.g. kept by a version that did not check) or
      // is stale against the expected hash: drop it and download again.
      await store.delete(url);
      return undefined;
    }
  };

  return {
    location,
    async bytes(file, readOptions) {
      const { signal } = readOptions;
      throwIfAborted(signal, file, location);
      const url = urlOf(file);
      const store = await cache();
      const cached = store && (await readCached(file, url, store, readOptions));
      if (cached) return cached;

      const response = await request(file, url, signal);
      if (!response.ok) throw await statusError(response, file, url, options.notFoundHint);
      const bytes = await readBody(response, file, url, readOptions, maxFileBytes);
      checkDownload(file, bytes, url, response.headers.get('content-type'));
      await verify(file, bytes, url);
      // Only a complete, checked and verified body gets here. A full or failing cache must not fail the read.
      await store?.put(url, cacheableResponse(bytes, response)).catch(() => undefined);
      return bytes;
    },
    async discard(file) {
      await (await cache())?.delete(urlOf(file)).catch(() => false);
    },
    async cached(file) {
      const kept = await (await cache())?.match(urlOf(file)).catch(() => undefined);
      await kept?.body?.cancel().catch(() => undefined);
      return kept !== undefined;
    },
  };
}

function cacheableResponse(bytes: Uint8Array<ArrayBuffer>, response: Response): Response {
  const contentType = response.headers.get('content-type') ?? 'application/octet-stream';
  return new Response(bytes, { headers: { 'content-type': contentType, 'content-length': String(bytes.length) } });
}

async function statusError(response: Response, file: string, url: string, notFoundHint: string): Promise<RetinaError> {
  await response.body?.cancel().catch(() => undefined);
  const status = `HTTP ${response.status}${response.statusText ? ` ${response.statusText}` : ''}`;
  if (response.status === 404) {
    return new RetinaError('FILE_NOT_FOUND', `${file} was not found at ${url} (${status}). ${notFoundHint}`);
  }
  const access =
    response.status === 401 || response.status === 403
      ? ' The repo may be private or gated: accept its terms on the hub and pass a fetch that sends your token.'
      : '';
  return new RetinaError('MODEL_LOAD_FAILED', `Downloading ${file} from ${url} failed with ${status}.${access}`);
}
