import { RetinaError } from '../errors.js';
import { importNodeOnly } from '../node-builtin.js';
import type { DecodeContext } from './load-options.js';

function shorten(text: string, max = 120): string {
  return text.length > max ? `${text.slice(0, max)}…` : text;
}

export function isNode(): boolean {
  return typeof process !== 'undefined' && typeof process.versions?.node === 'string';
}

/** The string as an absolute URL, or undefined when it is a file path or a relative URL. */
function asAbsoluteUrl(source: string): URL | undefined {
  // A one-letter scheme is a Windows drive ("C:\images\cat.png"), not a URL.
  if (!/^[a-z][a-z0-9+.-]+:/i.test(source)) return undefined;
  try {
    return new URL(source);
  } catch {
    return undefined;
  }
}

async function readNodeFile(path: string | URL, signal: AbortSignal | undefined): Promise<Uint8Array> {
  const { readFile } = await importNodeOnly<typeof import('node:fs/promises')>('node:fs/promises');
  try {
    const buffer = await readFile(path, { signal });
    return new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength);
  } catch (cause) {
    signal?.throwIfAborted();
    const code = (cause as { code?: string }).code;
    const where = typeof path === 'string' ? `${path} (relative paths start at ${process.cwd()})` : path.href;
    const problem = code === 'ENOENT' ? `There is no file at ${where}` : `The file ${where} could not be read: ${(cause as Error).message}`;
    throw new RetinaError('FILE_NOT_FOUND', `${problem}. Check the path, or pass the image bytes instead.`, { cause });
  }
}

async function fetchBytes(url: URL, context: DecodeContext): Promise<Uint8Array> {
  const fetchImpl = context.fetch ?? globalThis.fetch;
  const shown = shorten(url.href);
  let response: Response;
  try {
    response = await fetchImpl(url.href, { signal: context.signal });
  } catch (cause) {
    context.signal?.throwIfAborted();
    throw new RetinaError(
      'FILE_NOT_FOUND',
      `Fetching the image ${shown} failed: ${(cause as Error).message}. ` +
        'Check the URL and the network; for another origin the server must allow CORS.',
      { cause },
    );
  }
  if (!response.ok) {
    throw new RetinaError(
      'FILE_NOT_FOUND',
      `Fetching the image ${shown} failed with HTTP ${response.status}${response.statusText ? ` ${response.statusText}` : ''}. ` +
        'Check that the URL is right and the image is publicly reachable.',
    );
  }
  return new Uint8Array(await response.arrayBuffer());
}

/**
 * Bytes behind a URL or path: http(s), data and blob URLs are fetched; in Node, file: URLs and
 * plain paths are read from disk; elsewhere a relative string resolves against the page's URL.
 */
export async function readSource(source: string, context: DecodeContext): Promise<Uint8Array> {
  const url = asAbsoluteUrl(source);
  if (isNode() && (url === undefined || url.protocol === 'file:')) return readNodeFile(url ?? source, context.signal);
  if (url) return fetchBytes(url, context);
  const base = globalThis.location?.href;
  if (!base) {
    throw new RetinaError(
      'INVALID_ARGUMENT',
      `"${shorten(source)}" is not an absolute URL and there is no page URL to resolve it against. ` +
        'Pass an absolute http(s):, data: or blob: URL.',
    );
  }
  return fetchBytes(new URL(source, base), context);
}
