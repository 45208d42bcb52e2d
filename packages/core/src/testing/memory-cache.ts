// Test-only: a Cache API stand-in.
import type { CacheLike, CacheStorageLike } from '../hub/browser-cache.js';

/** Cache API stand-in keeping responses in memory, as the browser would on disk. */
export class MemoryCacheStorage implements CacheStorageLike {
  readonly caches = new Map<string, MemoryCache>();

  async open(cacheName: string): Promise<MemoryCache> {
    const cache = this.caches.get(cacheName) ?? new MemoryCache();
    this.caches.set(cacheName, cache);
    return cache;
  }
}

export class MemoryCache implements CacheLike {
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
