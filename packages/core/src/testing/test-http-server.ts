// Test-only: a real HTTP server on 127.0.0.1 that serves model folders and misbehaves on request.
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join, normalize } from 'node:path';

export interface TestServer {
  /** `http://127.0.0.1:<port>` */
  readonly url: string;
  /** `METHOD /path` of every request so far. */
  readonly requests: string[];
  close(): Promise<void>;
}

/** Routes get the still URL-encoded path without its query; returning false answers 404. */
export type Route = (path: string, request: IncomingMessage, response: ServerResponse) => Promise<boolean> | boolean;

export async function startTestServer(route: Route): Promise<TestServer> {
  const requests: string[] = [];
  const server = createServer((request, response) => {
    const path = new URL(request.url ?? '/', 'http://localhost').pathname;
    requests.push(`${request.method} ${path}`);
    Promise.resolve(route(path, request, response)).then(
      (handled) => {
        if (!handled) response.writeHead(404, { 'content-type': 'text/plain' }).end('Not Found');
      },
      (error: unknown) => response.destroy(error as Error),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}

/**
 * Sends `root/relativePath` (URL-encoded) if it is a file: with content-length, or with chunked transfer
 * encoding when `chunked`. HEAD gets the headers only.
 */
export async function sendFile(
  root: string,
  relativePath: string,
  request: IncomingMessage,
  response: ServerResponse,
  { chunked = false } = {},
): Promise<boolean> {
  const filePath = join(root, normalize(decodeURIComponent(relativePath)).replace(/^(\.\.[\\/])+/, ''));
  const stats = await stat(filePath).catch(() => undefined);
  if (!stats?.isFile()) return false;
  response.writeHead(200, {
    'content-type': filePath.endsWith('.json') ? 'application/json' : 'application/octet-stream',
    ...(chunked ? {} : { 'content-length': stats.size }),
  });
  if (request.method === 'HEAD') response.end();
  else createReadStream(filePath, { highWaterMark: 16 * 1024 }).pipe(response);
  return true;
}
