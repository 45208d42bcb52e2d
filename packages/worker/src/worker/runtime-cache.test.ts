import { hubSettings } from '@retina/core';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { keepRuntimeInCache } from './runtime-cache.js';

const WASM = 'https://site.test/retina/ort-wasm-simd-threaded.asyncify.wasm';
const KEY = `${WASM}?onnxruntime-web=1.30.0`;

/** A Cache API of one bucket, and a network that counts what it was asked. */
function stubBrowser() {
  const stored = new Map<string, Response>();
  const buckets: string[] = [];
  const network: string[] = [];
  vi.stubGlobal('caches', {
    open: async (name: string) => {
      buckets.push(name);
      return {
        match: async (url: string) => stored.get(url)?.clone(),
        put: async (url: string, response: Response) => void stored.set(url, new Response(await response.arrayBuffer(), response)),
      };
    },
  });
  vi.stubGlobal('fetch', async (input: string | URL) => {
    const url = String(input);
    network.push(url);
    return url.endsWith('missing.wasm')
      ? new Response('no', { status: 404 })
      : new Response(new Uint8Array([0, 0x61, 0x73, 0x6d]), { headers: { 'Content-Type': 'application/wasm' } });
  });
  return { stored, buckets, network };
}

describe('keepRuntimeInCache', () => {
  beforeEach(() => vi.unstubAllGlobals());
  afterEach(() => {
    vi.unstubAllGlobals();
    hubSettings.useBrowserCache = true;
  });

  it("answers the runtime's .wasm from the models' cache after the first download, keyed by onnxruntime's version", async () => {
    const { stored, buckets, network } = stubBrowser();
    keepRuntimeInCache(WASM, '1.30.0');
    const first = await fetch(WASM);
    expect(new Uint8Array(await first.arrayBuffer())).toEqual(new Uint8Array([0, 0x61, 0x73, 0x6d]));
    await vi.waitFor(() => expect([...stored.keys()]).toEqual([KEY]));
    const second = await fetch(WASM);
    expect(second.headers.get('Content-Type')).toBe('application/wasm');
    expect(new Uint8Array(await second.arrayBuffer())).toEqual(new Uint8Array([0, 0x61, 0x73, 0x6d]));
    expect(network).toEqual([WASM]);
    expect(new Set(buckets)).toEqual(new Set([hubSettings.cacheName]));
  });

  it('leaves other URLs, failed downloads and useBrowserCache: false to the network', async () => {
    const { stored, network } = stubBrowser();
    const missing = 'https://site.test/retina/missing.wasm';
    keepRuntimeInCache(missing, '1.30.0');
    expect((await fetch(missing)).status).toBe(404);
    await fetch('https://site.test/models/config.json');
    hubSettings.useBrowserCache = false;
    await fetch(missing);
    expect(stored.size).toBe(0);
    expect(network).toEqual([missing, 'https://site.test/models/config.json', missing]);
  });
});
