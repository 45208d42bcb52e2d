/** The part of the Cache API the hub uses; tests and apps may pass their own. */
export interface CacheStorageLike {
  open(cacheName: string): Promise<CacheLike>;
}

export interface CacheLike {
  match(url: string): Promise<Response | undefined>;
  put(url: string, response: Response): Promise<void>;
  delete(url: string): Promise<boolean>;
}

/**
 * Opens the cache bucket once, on first use; undefined when caching is off or the runtime has no
 * Cache API. A runtime that refuses to open it (e.g. some private windows) just goes uncached.
 */
export function lazyCache(
  enabled: boolean,
  cacheName: string,
  storage: CacheStorageLike | undefined = globalThis.caches,
): () => Promise<CacheLike | undefined> {
  let opened: Promise<CacheLike | undefined> | undefined;
  return () => {
    if (!enabled || !storage) return Promise.resolve(undefined);
    opened ??= storage.open(cacheName).catch(() => undefined);
    return opened;
  };
}
