import { describe, expect, it } from 'vitest';
import { isFallbackAdapter, whyAdapterRefusesDtype, whyAutoSkipsAdapter } from './webgpu-adapter.js';

const adapter = (info: Partial<GPUAdapterInfo>, legacy: { isFallbackAdapter?: boolean } = {}, features: string[] = []) =>
  ({ info: { vendor: '', architecture: '', ...info }, features: new Set(features), ...legacy }) as unknown as GPUAdapter;

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

describe('which dtypes a WebGPU adapter runs', () => {
  it('refuses fp16 on an adapter without shader-f16, naming it and what to use instead', () => {
    const swiftShader = adapter({ vendor: 'google', architecture: 'swiftshader', description: 'SwiftShader' });
    expect(whyAdapterRefusesDtype(swiftShader, 'fp16')).toBe(
      'dtype "fp16" needs a WebGPU adapter with the shader-f16 feature, and this one (google swiftshader SwiftShader) has none. ' +
        'Use dtype "fp32" or "q4" on it, or device "wasm" for fp16.',
    );
    for (const dtype of ['fp32', 'q8', 'q4']) expect(whyAdapterRefusesDtype(swiftShader, dtype)).toBeUndefined();
  });

  it('takes fp16 where the adapter has shader-f16', () => {
    expect(whyAdapterRefusesDtype(adapter({ vendor: 'nvidia' }, {}, ['shader-f16']), 'fp16')).toBeUndefined();
  });
});
