import { createHash, randomBytes } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import type { FileProgress } from './model-repo.js';
import { openModelRepo } from './open-model-repo.js';
import { MemoryCacheStorage } from '../testing/memory-cache.js';
import { addModelWithExternalWeight } from '../testing/onnx-proto.js';
import { startTestServer, type TestServer } from '../testing/test-http-server.js';

const body = randomBytes(200 * 1024);
const sha256 = `sha256-${createHash('sha256').update(body).digest('base64')}`;
const { graph } = addModelWithExternalWeight();
const config = '{"model_type": "beit"}';
const indexHtml = '<!doctype html>\n<html><head><title>My app</title></head><body><div id="app"></div></body></html>\n';
/** What the test server answers for /app/*: a single-page app's fallback index.html until the files are deployed. */
let appServesModel = false;
const appFiles: Record<string, Uint8Array | string> = { '/app/config.json': config, '/app/onnx/model.onnx': graph };

let server: TestServer;
let cacheStorage: MemoryCacheStorage;

beforeAll(async () => {
  server = await startTestServer((path, request, response) => {
    if (path === '/repo/model.bin') {
      response.writeHead(200, { 'content-length': body.length, 'content-type': 'application/octet-stream' });
      response.end(request.method === 'HEAD' ? undefined : body);
      return true;
    }
    if (path === '/repo/truncated.bin') {
      response.writeHead(200, { 'content-length': body.length });
      response.write(body.subarray(0, 1000));
      setTimeout(() => response.destroy(), 20);
      return true;
    }
    if (path === '/repo/stalled.bin') {
      response.writeHead(200, { 'content-length': body.length });
      response.write(body.subarray(0, 1000));
      return true;
    }
    if (path.startsWith('/app/')) {
      const file = appServesModel ? appFiles[path] : indexHtml;
      if (file === undefined) return false;
      response.writeHead(200, { 'content-type': appServesModel ? 'application/octet-stream' : 'text/html; charset=utf-8' });
      response.end(file);
      return true;
    }
    if (path === '/repo/cut-off.json') {
      response.writeHead(200, { 'content-type': 'application/json' }).end(config.slice(0, 10));
      return true;
    }
    if (path === '/repo/onnx/cut-off.onnx') {
      response.writeHead(200).end(graph.subarray(0, graph.length - 7));
      return true;
    }
    return false;
  });
});

afterAll(() => server.close());

beforeEach(() => {
  server.requests.length = 0;
  cacheStorage = new MemoryCacheStorage();
  appServesModel = false;
});

const cachedEntries = (cacheName = 'retina-models') => [...(cacheStorage.caches.get(cacheName)?.entries.keys() ?? [])];

describe('openModelRepo with the Cache API', () => {
  it('downloads a file once, then serves it from the cache with progress', async () => {
    const first = await openModelRepo(`${server.url}/repo`, { cacheStorage }).bytes('model.bin');
    expect(Buffer.from(first).equals(body)).toBe(true);
    expect(cachedEntries()).toEqual([`${server.url}/repo/model.bin`]);

    const events: FileProgress[] = [];
    const repo = openModelRepo(`${server.url}/repo`, { cacheStorage });
    const second = await repo.bytes('model.bin', { onProgress: (event) => events.push(event) });
    expect(Buffer.from(second).equals(body)).toBe(true);
    expect(events.at(-1)).toEqual({ file: 'model.bin', loaded: body.length, total: body.length });
    expect(server.requests).toEqual(['GET /repo/model.bin']);
  });

  it('uses globalThis.caches and cacheName by default', async () => {
    vi.stubGlobal('caches', cacheStorage);
    try {
      const repo = openModelRepo(`${server.url}/repo`, { cacheName: 'mine' });
      await repo.bytes('model.bin');
      await repo.bytes('model.bin');
    } finally {
      vi.unstubAllGlobals();
    }
    expect(cachedEntries('mine')).toEqual([`${server.url}/repo/model.bin`]);
    expect(server.requests).toEqual(['GET /repo/model.bin']);
  });

  it('tells which files it keeps, asking no server: a file once read, never a 404, not after discard', async () => {
    const repo = openModelRepo(`${server.url}/repo`, { cacheStorage });
    expect(await repo.cached!('model.bin')).toBe(false);
    await repo.bytes('model.bin');
    await expect(repo.bytes('missing.bin')).rejects.toMatchObject({ code: 'FILE_NOT_FOUND' });
    server.requests.length = 0;
    expect(await repo.cached!('model.bin')).toBe(true);
    expect(await repo.cached!('missing.bin')).toBe(false);
    await repo.discard!('model.bin');
    expect(await repo.cached!('model.bin')).toBe(false);
    expect(server.requests).toEqual([]);
    const uncached = openModelRepo(`${server.url}/repo`, { cacheStorage, useBrowserCache: false });
    await uncached.bytes('model.bin');
    expect(await uncached.cached!('model.bin')).toBe(false);
  });

  it('does not touch the cache when useBrowserCache is false', async () => {
    const repo = openModelRepo(`${server.url}/repo`, { cacheStorage, useBrowserCache: false });
    await repo.bytes('model.bin');
    await repo.bytes('model.bin');
    expect(cacheStorage.caches.size).toBe(0);
    expect(server.requests).toEqual(['GET /repo/model.bin', 'GET /repo/model.bin']);
  });

  it('caches nothing from a truncated download', async () => {
    const repo = openModelRepo(`${server.url}/repo`, { cacheStorage });
    await expect(repo.bytes('truncated.bin')).rejects.toMatchObject({ code: 'MODEL_LOAD_FAILED' });
    expect(cachedEntries()).toEqual([]);
    expect((await repo.bytes('model.bin')).length).toBe(body.length);
  });

  it('caches nothing from an aborted download', async () => {
    const controller = new AbortController();
    const repo = openModelRepo(`${server.url}/repo`, { cacheStorage });
    const read = repo.bytes('stalled.bin', { signal: controller.signal, onProgress: () => controller.abort() });
    await expect(read).rejects.toMatchObject({ name: 'AbortError' });
    expect(cachedEntries()).toEqual([]);
  });

  it('caches only files that match their integrity', async () => {
    const wrong = `sha256-${createHash('sha256').update('x').digest('base64')}`;
    const mismatching = openModelRepo(`${server.url}/repo`, { cacheStorage, integrity: { 'model.bin': wrong } });
    await expect(mismatching.bytes('model.bin')).rejects.toThrow(`expected ${wrong}, got ${sha256}`);
    expect(cachedEntries()).toEqual([]);

    await openModelRepo(`${server.url}/repo`, { cacheStorage, integrity: { 'model.bin': sha256 } }).bytes('model.bin');
    expect(cachedEntries()).toEqual([`${server.url}/repo/model.bin`]);
  });

  it('replaces a cached copy that no longer matches the expected hash', async () => {
    const cache = await cacheStorage.open('retina-models');
    await cache.put(`${server.url}/repo/model.bin`, new Response('stale'));
    const repo = openModelRepo(`${server.url}/repo`, { cacheStorage, integrity: { 'model.bin': sha256 } });
    expect(Buffer.from(await repo.bytes('model.bin')).equals(body)).toBe(true);
    expect(server.requests).toEqual(['GET /repo/model.bin']);
    expect(cache.entries.get(`${server.url}/repo/model.bin`)?.body.length).toBe(body.length);
  });

  it('caches no HTML page a server answers for a graph or a JSON file, says so, and loads once the server is fixed', async () => {
    const repo = openModelRepo(`${server.url}/app`, { cacheStorage });
    for (const read of [() => repo.json('config.json'), () => repo.bytes('onnx/model.onnx')]) {
      await expect(read()).rejects.toMatchObject({
        code: 'FILE_NOT_FOUND',
        message: expect.stringContaining('the server answered with an HTML page instead of the file'),
      });
    }
    expect(cachedEntries()).toEqual([]);

    appServesModel = true;
    server.requests.length = 0;
    expect(await repo.json('config.json')).toEqual({ model_type: 'beit' });
    expect(Buffer.from(await repo.bytes('onnx/model.onnx')).equals(graph)).toBe(true);
    expect(server.requests).toEqual(['GET /app/config.json', 'GET /app/onnx/model.onnx']);
    expect(cachedEntries().sort()).toEqual([`${server.url}/app/config.json`, `${server.url}/app/onnx/model.onnx`]);
  });

  it('caches no JSON file that does not parse and no graph that does not parse', async () => {
    const repo = openModelRepo(`${server.url}/repo`, { cacheStorage });
    await expect(repo.json('cut-off.json')).rejects.toMatchObject({
      code: 'MODEL_LOAD_FAILED',
      message: expect.stringContaining('is not valid JSON'),
    });
    await expect(repo.bytes('onnx/cut-off.onnx')).rejects.toMatchObject({
      code: 'MODEL_LOAD_FAILED',
      message: expect.stringContaining('it is not a valid ONNX model'),
    });
    expect(cachedEntries()).toEqual([]);
  });

  it('caches no body shorter than its Content-Length, even from a fetch that ends it cleanly', async () => {
    const fetch: typeof globalThis.fetch = async () =>
      new Response(body.subarray(0, 100), { headers: { 'content-length': String(body.length) } });
    const repo = openModelRepo('https://models.example/repo', { cacheStorage, fetch });
    await expect(repo.bytes('model.bin')).rejects.toMatchObject({
      code: 'MODEL_LOAD_FAILED',
      message: expect.stringContaining(`cut off after 100 of ${body.length} bytes`),
    });
    expect(cachedEntries()).toEqual([]);
  });

  it('drops a cached entry that does not parse or is cut off, and downloads the file again', async () => {
    const cache = await cacheStorage.open('retina-models');
    const url = (file: string) => `${server.url}/app/${file}`;
    await cache.put(url('config.json'), new Response(indexHtml, { headers: { 'content-type': 'text/html' } }));
    await cache.put(url('onnx/model.onnx'), new Response(graph.slice(0, 20), { headers: { 'content-length': String(graph.length) } }));
    appServesModel = true;
    const repo = openModelRepo(`${server.url}/app`, { cacheStorage });
    expect(await repo.json('config.json')).toEqual({ model_type: 'beit' });
    expect(Buffer.from(await repo.bytes('onnx/model.onnx')).equals(graph)).toBe(true);
    expect(server.requests).toEqual(['GET /app/config.json', 'GET /app/onnx/model.onnx']);
    expect(new TextDecoder().decode(cache.entries.get(url('config.json'))?.body)).toBe(config);
    expect(cache.entries.get(url('onnx/model.onnx'))?.body.length).toBe(graph.length);
  });
});
