import { describe, expect, it } from 'vitest';
import { isFallbackAdapter, whyAutoSkipsAdapter } from './webgpu-adapter.js';

const adapter = (info: Partial<GPUAdapterInfo>, legacy: { isFallbackAdapter?: boolean } = {}) =>
  ({ info: { vendor: '', architecture: '', ...info }, ...legacy }) as unknown as GPUAdapter;

describe('what device auto makes of a WebGPU adapter', () => {
  it('passes over a fallback adapter and says which one and why', () => {
    const swiftShader = adapter({ vendor: 'google', architecture: 'swiftshader', isFallbackAdapter: true });
    expect(isFallbackAdapter(swiftShader)).toBe(true);
    expect(whyAutoSkipsAdapter(swiftShader)).toBe(
      'the only WebGPU adapter is a software fallback (google swiftshader), slower than WebAssembly; device "webgpu" uses it anyway',
    );
  });

  it('reads the flag where browsers before Chromium 136 put it', () => {
    expect(whyAutoSkipsAdapter(adapter({}, { isFallbackAdapter: true }))).toMatch(/software fallback, slower than WebAssembly/);
  });

  it('takes a hardware adapter', () => {
    const hardware = adapter({ vendor: 'nvidia', architecture: 'hopper', isFallbackAdapter: false });
    expect(isFallbackAdapter(hardware)).toBe(false);
    expect(whyAutoSkipsAdapter(hardware)).toBeUndefined();
    expect(whyAutoSkipsAdapter(adapter({ vendor: 'apple' }))).toBeUndefined();
  });
});
