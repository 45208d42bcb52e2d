// onnxruntime-web's 26 MB WebAssembly kept in the Cache API beside the models, so that a later visit (offline
// too) reads it from there instead of the network. onnxruntime's glue fetches the file by URL and compiles it
// as it arrives (WebAssembly.instantiateStreaming); the worker, whose global scope is Retina's own, answers
// that one URL from the cache, keyed by onnxruntime's version so that an upgrade never meets an old binary.
// Streaming compilation from a same-origin response at a stable URL is also what lets engines keep the
// compiled code for the next visit.
import { hubSettings } from '@retina/core';

/** Answers fetches of `wasmUrl` from the Cache API (filling it on the first), while `hubSettings` allow it. */
export function keepRuntimeInCache(wasmUrl: string, version: string): void {
  const networkFetch = globalThis.fetch.bind(globalThis);
  const key = new URL(wasmUrl);
  key.searchParams.set('onnxruntime-web', version);
  const cacheable = (input: RequestInfo | URL) =>
    hubSettings.useBrowserCache && typeof caches !== 'undefined' && (input instanceof Request ? input.url : String(input)) === wasmUrl;
  globalThis.fetch = async (input: RequestInfo | URL, init?: RequestInit) => {
    if (!cacheable(input)) return networkFetch(input, init);
    const cache = await caches.open(hubSettings.cacheName).catch(() => undefined);
    const kept = await cache?.match(key.href).catch(() => undefined);
    if (kept) return kept;
    const response = await networkFetch(input, init);
    // Only a whole body is stored (put rejects a body cut off); the copy is written as the original streams.
    if (cache && response.ok) cache.put(key.href, response.clone()).catch(() => undefined);
    return response;
  };
}
