// Serves the built worker package, the test pages (the core page as built), ../shared/fixtures and the demo's models to
// the Playwright suite, on 127.0.0.1 only, every response with the strict headers of support/strict-site.ts.
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { extname, join, normalize, resolve, sep } from 'node:path';
import { Readable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import { fixturesRoot, generatedRoot, repoRoot } from '../support/paths.js';
import { CONTENT_TYPES as TYPES, STRICT_HEADERS as HEADERS } from '../support/strict-site.js';

const port = Number(process.env.E2E_PORT ?? 4173);

/** URL prefix → folder. Any path under `/throttled/` is served slowly, to abort downloads midway. */
const ROOTS: Record<string, string> = {
  '/worker/': join(repoRoot, 'packages', 'worker', 'dist'),
  '/pages/': join(repoRoot, 'e2e', 'pages'),
  '/core-page/': join(repoRoot, 'e2e', 'core-page', 'dist'),
  '/fixtures/': fixturesRoot,
  '/demo/': join(repoRoot, 'apps', 'demo', 'public'),
  '/generated/': generatedRoot,
};

/** The weights file each checkpoint-only view serves. */
const CHECKPOINT_FILES: Record<string, string> = { safetensors: 'model.safetensors', pytorch: 'pytorch_model.bin' };

/**
 * Checkpoint-only views of the fixture models (configs and one weights file, no onnx/ folder):
 * `/checkpoints/{safetensors|pytorch}/models/{model}/{file}`, and the safetensors view laid out like the Hub,
 * `/hub/fixtures/{model}/resolve/{revision}/{file}`. Returns the fixture path, or undefined for a file
 * the view does not have.
 */
function checkpointView(pathname: string): string | undefined {
  const checkpoint = /^\/checkpoints\/([^/]+)\/models\/([^/]+)\/(.+)$/.exec(pathname);
  const hub = /^\/hub\/fixtures\/([^/]+)\/resolve\/[^/]+\/(.+)$/.exec(pathname);
  const [format, model, file] = checkpoint ? checkpoint.slice(1) : hub ? ['safetensors', hub[1], hub[2]] : [];
  const weights = format === undefined ? undefined : CHECKPOINT_FILES[format];
  if (weights === undefined || ![weights, 'config.json', 'preprocessor_config.json'].includes(file!)) return undefined;
  return `/fixtures/models/${model}/${file}`;
}

function resolveFile(requested: string): { file: string; throttled: boolean } | undefined {
  const throttled = requested.startsWith('/throttled/');
  const unthrottled = throttled ? requested.slice('/throttled'.length) : requested;
  const pathname = /^\/(checkpoints|hub)\//.test(unthrottled) ? checkpointView(unthrottled) : unthrottled;
  if (pathname === undefined) return undefined;
  const prefix = Object.keys(ROOTS)
    .sort((a, b) => b.length - a.length)
    .find((candidate) => pathname.startsWith(candidate));
  if (!prefix) return undefined;
  const root = ROOTS[prefix]!;
  const file = normalize(join(root, decodeURIComponent(pathname.slice(prefix.length))));
  if (file !== root && !file.startsWith(root + sep)) return undefined;
  return { file, throttled };
}

async function* slowly(stream: Readable): AsyncGenerator<Buffer> {
  for await (const chunk of stream) {
    for (let offset = 0; offset < chunk.length; offset += 1024) {
      yield chunk.subarray(offset, offset + 1024);
      await sleep(20);
    }
  }
}

function send(response: ServerResponse, status: number, body?: string): void {
  response.writeHead(status, { ...HEADERS, 'Content-Type': 'text/plain' }).end(body);
}

async function serve(request: IncomingMessage, response: ServerResponse): Promise<void> {
  const { pathname } = new URL(request.url ?? '/', 'http://localhost');
  if (pathname === '/health') return send(response, 200, 'ok');
  const target = resolveFile(pathname);
  const info = target && (await stat(target.file).catch(() => undefined));
  if (!target || !info?.isFile()) return send(response, 404, `Not found: ${pathname}`);
  response.writeHead(200, {
    ...HEADERS,
    'Content-Type': TYPES[extname(target.file)] ?? 'application/octet-stream',
    'Content-Length': String(info.size),
  });
  if (request.method === 'HEAD') {
    response.end();
    return;
  }
  const stream = createReadStream(target.file);
  (target.throttled ? Readable.from(slowly(stream)) : stream).pipe(response);
}

const server = createServer((request, response) => void serve(request, response).catch((error: Error) => response.destroy(error)));

server.listen(port, '127.0.0.1', () => console.log(`e2e static server on http://127.0.0.1:${port} (fixtures: ${resolve(fixturesRoot)})`));
