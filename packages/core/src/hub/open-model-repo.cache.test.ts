import { createHash, randomBytes } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import type { CacheLike, CacheStorageLike } from './browser-cache.js';
import type { FileProgress } from './model-repo.js';
import { openModelRepo } from './open-model-repo.js';
import { startTestServer, type TestServer } from '../testing/test-http-server.js';

const body = randomBytes(200 * 1024);
const sha256 = `sha256-${createHash('sha256').update(body).digest('base64')}`;

/** Cache API stand-in keeping responses in memory, as the browser would on disk. */
class MemoryCacheStorage implements CacheStorageLike {
  readonly caches = new Map<string, MemoryCache>();

  async open(cacheName: string): Promise<MemoryCache> {
    const cache = this.caches.get(cacheName) ?? new MemoryCache();
    this.caches.set(cacheName, cache);
    return cache;
  }
}

class MemoryCache implements CacheLike {
  readonly entries = new Map<string, { body: Uint8Array<ArrayBuffer>; headers: Headers }>();

  async match(url: string): Promise<Response | undefined> {
    const entry = this.entries.get(url);
    return entry && new Response(entry.body.slice(), { headers: entry.headers });
  }
  async put(url: string, response: Response): Promise<void> {
    this.entries.set(url, { body: new Uint8Array(await response.arrayBuffer()), headers: response.headers });
  }
  async delete(url: string): Promise<boolean> {
    return this.entries.delete(url);
  }
}

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
    return false;
  });
});

afterAll(() => server.close());

beforeEach(() => {
  server.requests.length = 0;
  cacheStorage = new MemoryCacheStorage();
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
});
