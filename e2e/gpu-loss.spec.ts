// A lost GPU device (WebGPU project only): the call in flight rejects with GPU_DEVICE_LOST, and the
// next call works again on a new worker, where `auto` now means WebAssembly. The load asks for WebGPU
// explicitly: `auto` passes over the fallback adapter (SwiftShader) the project runs on.
import type { Worker } from '@playwright/test';
import { expect, modelUrl, test } from './support/test.js';

const MODEL = 'beit-cls';

test('a lost GPU device rejects the pending call; the next call works on a new worker, where auto is WebAssembly', async ({
  retinaPage,
}) => {
  const workers: Worker[] = [];
  retinaPage.on('worker', (worker) => workers.push(worker));
  // Every run encodes GPU commands: the first one after this hook hands over onnxruntime's device,
  // which is destroyed while the run is in flight, as a driver reset would.
  await retinaPage.exposeFunction('loseGpuDuringNextRun', () =>
    workers.at(-1)!.evaluate(() => {
      const { createCommandEncoder } = GPUDevice.prototype;
      GPUDevice.prototype.createCommandEncoder = function (this: GPUDevice, descriptor?: GPUCommandEncoderDescriptor) {
        GPUDevice.prototype.createCommandEncoder = createCommandEncoder;
        queueMicrotask(() => this.destroy());
        return createCommandEncoder.call(this, descriptor);
      };
    }),
  );
  const outcome = await retinaPage.evaluate(
    async ({ url }) => {
      const faults: string[] = [];
      const retina = Retina.createRetinaWorker({ device: 'webgpu', onFault: (fault) => faults.push(fault.code) });
      try {
        const pipe = await retina.pipeline('image-classification', url);
        const reference = await pipe('/fixtures/images/chelsea.png', { topK: 1 });
        const before = pipe.backend;
        await (globalThis as unknown as { loseGpuDuringNextRun(): Promise<void> }).loseGpuDuringNextRun();
        const error = await pipe('/fixtures/images/chelsea.png', { topK: 1 }).then(
          () => undefined,
          (reason: Error & { code?: string }) => ({ name: reason.name, code: reason.code, message: reason.message }),
        );
        const again = await pipe('/fixtures/images/chelsea.png', { topK: 1 });
        return { error, faults: [...faults], reference, again, before, after: pipe.backend, auto: await retina.backend() };
      } finally {
        retina.terminate();
      }
    },
    { url: modelUrl(retinaPage, MODEL) },
  );
  console.log(`[webgpu] GPU loss: ${JSON.stringify(outcome.error)}; then ${JSON.stringify(outcome.after)}`);
  expect(outcome.before).toMatchObject({ device: 'webgpu' });
  expect(outcome.error).toMatchObject({ name: 'WorkerFaultError', code: 'GPU_DEVICE_LOST' });
  expect(outcome.error?.message).toMatch(/GPU device was lost/);
  expect(outcome.faults).toEqual(['GPU_DEVICE_LOST']);
  // The explicit device is kept on the new worker; `auto` would now pick WebAssembly, for the loss.
  expect(outcome.after).toMatchObject({ device: 'webgpu' });
  expect(outcome.auto).toMatchObject({ device: 'wasm', reason: expect.stringMatching(/^the GPU device was lost/) });
  expect(outcome.again[0]!.label).toBe(outcome.reference[0]!.label);
  expect(Math.abs(outcome.again[0]!.score - outcome.reference[0]!.score)).toBeLessThan(1e-3);
});
