import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { countMismatches, readBytes } from '../../testing/fixtures.js';

const wasmPath = createRequire(import.meta.url).resolve('@cwasm/jpeg-turbo/jpeg-turbo.wasm');
const jpeg = readBytes('jpeg', 'chelsea-odd-33x17.jpg');
const pillowPixels = readBytes('jpeg', 'chelsea-odd-33x17.bin');

// A fresh module graph per test: where the wasm comes from is kept per module instance.
async function freshModules() {
  vi.resetModules();
  const [wasm, load, errors] = await Promise.all([import('./jpeg-decoder-wasm.js'), import('../load-image.js'), import('../../errors.js')]);
  return { ...wasm, ...load, ...errors };
}

afterEach(() => {
  vi.unstubAllGlobals();
});

describe('where the JPEG decoder WebAssembly comes from', () => {
  it('takes the bytes or a compiled module instead of the installed package', async () => {
    const bytes = new Uint8Array(readFileSync(wasmPath));
    for (const source of [bytes, bytes.slice().buffer, new WebAssembly.Module(bytes)]) {
      const { setJpegDecoderWasm, loadImage } = await freshModules();
      setJpegDecoderWasm(source);
      expect(countMismatches((await loadImage(jpeg)).data, pillowPixels)).toBe(0);
    }
  });

  it('names the fix when the URL fails, keeps no failure, and works once the URL is right', async () => {
    const { setJpegDecoderWasm, loadImage, RetinaError } = await freshModules();
    const served = new Uint8Array(readFileSync(wasmPath));
    let available = false;
    vi.stubGlobal('fetch', async () => (available ? new Response(served) : new Response('missing', { status: 404 })));
    setJpegDecoderWasm('https://app.test/assets/jpeg-turbo.wasm');
    const error = await loadImage(jpeg).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RetinaError);
    expect((error as InstanceType<typeof RetinaError>).code).toBe('IMAGE_DECODE_FAILED');
    expect((error as Error).message).toMatch(/HTTP 404.*setJpegDecoderWasm/);
    available = true;
    expect(countMismatches((await loadImage(jpeg)).data, pillowPixels)).toBe(0);
  });
});
