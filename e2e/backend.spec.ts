// The worker reports what `auto` picks, and loads run where it said; on the WebGPU project an adapter
// must exist (no silent skip). That adapter is SwiftShader here, a fallback adapter: `auto` passes it
// over for WebAssembly, an explicit `webgpu` still runs on it.
import { expect, modelUrl, test } from './support/test.js';

test('the worker reports its backend, adapter and WebAssembly features', async ({ retinaPage, device }) => {
  const report = await retinaPage.evaluate(async () => {
    const retina = Retina.createRetinaWorker();
    try {
      return await retina.backend();
    } finally {
      retina.terminate();
    }
  });
  console.log(`[${device}] backend report: ${JSON.stringify(report)}`);
  expect(report.wasm).toMatchObject({ simd: true, crossOriginIsolated: true });
  if (device === 'webgpu') {
    expect(report.adapter, 'a WebGPU adapter (run Chromium with --enable-unsafe-webgpu)').toBeDefined();
    expect(report.device).toBe(report.adapter!.isFallbackAdapter ? 'wasm' : 'webgpu');
  }
});

test(
  'auto loads on WebAssembly rather than a fallback adapter and says why; webgpu still uses it',
  { tag: '@webgpu-only' },
  async ({ retinaPage }) => {
    const outcome = await retinaPage.evaluate(
      async ({ url }) => {
        const retina = Retina.createRetinaWorker();
        try {
          const report = await retina.backend();
          const auto = await retina.pipeline('image-classification', url);
          const explicit = await retina.pipeline('image-classification', url, { device: 'webgpu' });
          return { report, auto: auto.backend, explicit: explicit.backend };
        } finally {
          retina.terminate();
        }
      },
      { url: modelUrl(retinaPage, 'beit-cls-abs') },
    );
    console.log(`[webgpu] auto: ${JSON.stringify(outcome.auto)}; webgpu: ${JSON.stringify(outcome.explicit)}`);
    expect(outcome.explicit).toMatchObject({ runtime: 'onnxruntime-web', device: 'webgpu', reason: 'device "webgpu" requested' });
    if (outcome.report.adapter!.isFallbackAdapter) {
      expect(outcome.report).toMatchObject({
        device: 'wasm',
        reason: expect.stringMatching(/software fallback .*slower than WebAssembly/),
      });
      expect(outcome.auto).toEqual({ runtime: 'onnxruntime-web', device: 'wasm', reason: outcome.report.reason });
    } else {
      expect(outcome.auto).toMatchObject({ device: 'webgpu' });
    }
  },
);
