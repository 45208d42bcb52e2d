// Faults and long runs: a worker terminated mid-run rejects clearly and the next call works; 50
// consecutive runs do not grow the worker's JS heap or its live GPU buffers.
import { expect, modelUrl, test } from './support/test.js';
import { WorkerHeap } from './support/worker-heap.js';

const MODEL = 'beit-cls';

test('terminating the worker mid-run rejects with WORKER_TERMINATED, and the next call succeeds', async ({ retinaPage, device }) => {
  const outcome = await retinaPage.evaluate(
    async ({ url, device }) => {
      const faults: string[] = [];
      const retina = Retina.createRetinaWorker({ device, onFault: (fault) => faults.push(fault.code) });
      try {
        const pipe = await retina.pipeline('image-classification', url);
        const reference = await pipe('/fixtures/images/chelsea.png');
        const running = pipe('/fixtures/images/chelsea.png');
        retina.terminate();
        const error = await running.then(
          () => undefined,
          (reason: Error & { code?: string }) => ({ name: reason.name, code: reason.code, message: reason.message }),
        );
        const again = await pipe('/fixtures/images/chelsea.png');
        // A copy: the terminate() below faults the second worker too.
        return { error, faults: [...faults], reference, again };
      } finally {
        retina.terminate();
      }
    },
    { url: modelUrl(retinaPage, MODEL), device },
  );
  expect(outcome.error).toMatchObject({ name: 'WorkerFaultError', code: 'WORKER_TERMINATED' });
  expect(outcome.error?.message).toMatch(/terminated/);
  expect(outcome.faults).toEqual(['WORKER_TERMINATED']);
  expect(outcome.again).toEqual(outcome.reference);
});

test('50 consecutive runs keep the worker JS heap and live GPU buffers flat', async ({ retinaPage, device }) => {
  const heap = await WorkerHeap.watch(retinaPage);
  await retinaPage.exposeFunction('workerHeapBytes', () => heap.usedBytes());
  const samples = await retinaPage.evaluate(
    async ({ url, device }) => {
      const { workerHeapBytes } = window as unknown as { workerHeapBytes(): Promise<number> };
      const retina = Retina.createRetinaWorker({ device });
      try {
        const pipe = await retina.pipeline('image-classification', url);
        const image = await (await fetch('/fixtures/images/chelsea.png')).blob();
        const stats = [];
        for (let run = 1; run <= 50; run++) {
          await pipe(image);
          if (run === 10 || run === 50) stats.push({ ...(await retina.stats()), jsHeapBytes: await workerHeapBytes() });
        }
        return stats;
      } finally {
        retina.terminate();
      }
    },
    { url: modelUrl(retinaPage, MODEL), device },
  );
  const [afterWarmUp, atEnd] = samples;
  console.log(`[${device}] after 10 runs ${JSON.stringify(afterWarmUp)}, after 50 runs ${JSON.stringify(atEnd)}`);
  expect(atEnd!.liveGpuBuffers).toBe(afterWarmUp!.liveGpuBuffers);
  if (device === 'webgpu') expect(atEnd!.liveGpuBuffers).toBeGreaterThan(0);
  // 40 runs that each leaked even one 224x224 RGBA image would add over 8 MB.
  expect(atEnd!.jsHeapBytes - afterWarmUp!.jsHeapBytes).toBeLessThan(1_000_000);
});
