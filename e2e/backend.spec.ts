// The worker reports what `auto` picks; on the WebGPU project an adapter must exist (no silent skip).
import { expect, test } from './support/test.js';

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
    expect(report.device).toBe('webgpu');
  }
});
