// What every e2e response carries: cross-origin isolation (WebAssembly threads), the strict CSP a page using Retina
// must live under, and no HTTP caching (only the Cache API may spare a download). serveFolder serves a site root.
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize, sep } from 'node:path';

export const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript',
  '.mjs': 'text/javascript',
  '.json': 'application/json',
  '.wasm': 'application/wasm',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
};

export const STRICT_HEADERS: Readonly<Record<string, string>> = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
  'Cross-Origin-Resource-Policy': 'same-origin',
  'Content-Security-Policy': "script-src 'self' 'wasm-unsafe-eval'",
  'Cache-Control': 'no-store',
};

/**
 * Serves `root` (index.html for `/`) on 127.0.0.1 under {@link STRICT_HEADERS} (`headers` replace some, e.g. a
 * cacheable Cache-Control for the cold-start bench); resolves with its origin and a close.
 */
export async function serveFolder(
  root: string,
  headers: Readonly<Record<string, string>> = {},
): Promise<{ origin: string; close: () => Promise<void> }> {
  const serve = async (request: IncomingMessage, response: ServerResponse) => {
    const { pathname } = new URL(request.url ?? '/', 'http://localhost');
    const file = normalize(join(root, decodeURIComponent(pathname.endsWith('/') ? `${pathname}index.html` : pathname)));
    const info = file.startsWith(root + sep) ? await stat(file).catch(() => undefined) : undefined;
    if (!info?.isFile()) {
      response.writeHead(404, { ...STRICT_HEADERS, 'Content-Type': 'text/plain' }).end(`Not found: ${pathname}`);
      return;
    }
    const type = CONTENT_TYPES[extname(file)] ?? 'application/octet-stream';
    response.writeHead(200, { ...STRICT_HEADERS, ...headers, 'Content-Type': type, 'Content-Length': String(info.size) });
    createReadStream(file).pipe(response);
  };
  const server = createServer((request, response) => void serve(request, response).catch((error: Error) => response.destroy(error)));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { origin: `http://127.0.0.1:${port}`, close: () => new Promise((resolve) => server.close(() => resolve())) };
}
