// The bench's static server, on 127.0.0.1 only. Every response is cross-origin isolated (COOP + COEP),
// so WebAssembly threads and measureUserAgentSpecificMemory are available, and never HTTP-cached, so
// a cold start always downloads.
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize, sep } from 'node:path';
import { CONTENT_TYPES } from '../e2e/support/strict-site.js';

const HEADERS = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
  'Cross-Origin-Resource-Policy': 'same-origin',
  'Cache-Control': 'no-store',
};

function resolveFile(routes: Readonly<Record<string, string>>, pathname: string): string | undefined {
  const prefix = Object.keys(routes)
    .sort((a, b) => b.length - a.length)
    .find((candidate) => pathname.startsWith(candidate));
  if (!prefix) return undefined;
  const root = routes[prefix]!;
  const file = normalize(join(root, decodeURIComponent(pathname.slice(prefix.length))));
  return file === root || file.startsWith(root + sep) ? file : undefined;
}

/** Serves `routes` (URL prefix → folder); resolves with the origin once listening. */
export async function startStaticServer(routes: Readonly<Record<string, string>>): Promise<{ origin: string; server: Server }> {
  const serve = async (request: IncomingMessage, response: ServerResponse) => {
    const { pathname } = new URL(request.url ?? '/', 'http://localhost');
    const file = resolveFile(routes, pathname);
    const info = file === undefined ? undefined : await stat(file).catch(() => undefined);
    if (!file || !info?.isFile()) {
      response.writeHead(404, { ...HEADERS, 'Content-Type': 'text/plain' }).end(`Not found: ${pathname}`);
      return;
    }
    response.writeHead(200, {
      ...HEADERS,
      'Content-Type': CONTENT_TYPES[extname(file)] ?? 'application/octet-stream',
      'Content-Length': String(info.size),
    });
    if (request.method === 'HEAD') response.end();
    else createReadStream(file).pipe(response);
  };
  const server = createServer((request, response) => void serve(request, response).catch((error: Error) => response.destroy(error)));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { origin: `http://127.0.0.1:${port}`, server };
}
