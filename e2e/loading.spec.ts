// Loading through the worker: the Cache API spares a second download, progress arrives in order,
// and an aborted load caches nothing.
import { statSync } from 'node:fs';
import { fixtureFile } from './support/fixtures.js';
import { expect, modelUrl, test } from './support/test.js';

const MODEL = 'beit-cls';
const MODEL_FILES = ['config.json', 'preprocessor_config.json', 'onnx/model.onnx'];

test('a second load of a model fetches nothing: the Cache API holds its files', async ({ retinaPage, context, device }) => {
  const url = modelUrl(retinaPage, MODEL);
  const requests: string[] = [];
  context.on('request', (request) => {
    if (request.url().startsWith(url)) requests.push(`${request.method()} ${request.url().slice(url.length)}`);
  });
  const load = () =>
    retinaPage.evaluate(
      async ({ url, device }) => {
        const retina = Retina.createRetinaWorker({ device });
        try {
          await retina.pipeline('image-classification', url);
        } finally {
          retina.terminate();
        }
      },
      { url, device },
    );
  await load();
  expect(requests.filter((request) => request.startsWith('GET')).sort()).toEqual(MODEL_FILES.map((file) => `GET /${file}`).sort());
  requests.length = 0;
  await load();
  expect(requests, 'requests of the second load').toEqual([]);
});

test('progress events arrive in order, per file, up to its full size', async ({ retinaPage, device }) => {
  const events = await retinaPage.evaluate(
    async ({ url, device }) => {
      const retina = Retina.createRetinaWorker({ device });
      const seen: { file: string; loaded: number; total: number | undefined }[] = [];
      try {
        await retina.pipeline('image-classification', url, { onProgress: (progress) => seen.push(progress) });
        return seen;
      } finally {
        retina.terminate();
      }
    },
    // Throttled, so that each file arrives in several steps.
    { url: modelUrl(retinaPage, MODEL, '/throttled/fixtures'), device },
  );
  for (const file of MODEL_FILES) {
    const size = statSync(fixtureFile('models', MODEL, file)).size;
    const loaded = events.filter((event) => event.file === file).map((event) => event.loaded);
    expect(loaded.length, `progress events of ${file}`).toBeGreaterThan(size > 1024 ? 1 : 0);
    expect(loaded, `${file} progress never goes back`).toEqual([...loaded].sort((a, b) => a - b));
    expect(loaded.at(-1), `${file} ends at its size`).toBe(size);
    expect(events.filter((event) => event.file === file).every((event) => event.total === size)).toBe(true);
  }
});

test('an aborted load rejects with AbortError and leaves nothing half-cached', async ({ retinaPage, device }) => {
  const outcome = await retinaPage.evaluate(
    async ({ url, device }) => {
      const retina = Retina.createRetinaWorker({ device });
      const controller = new AbortController();
      try {
        const error = await retina
          .pipeline('image-classification', url, {
            signal: controller.signal,
            // Abort in the middle of the graph's download.
            onProgress: ({ file, loaded, total }) => {
              if (file === 'onnx/model.onnx' && loaded > 0 && loaded < (total ?? Infinity)) controller.abort();
            },
          })
          .then(
            () => undefined,
            (reason: Error) => reason.name,
          );
        const cache = await caches.open('retina-models');
        const cached = (await cache.keys()).map((request) => request.url.slice(url.length));
        // The same worker still loads the model afterwards.
        const pipe = await retina.pipeline('image-classification', url);
        return { error, cached, architecture: pipe.architecture };
      } finally {
        retina.terminate();
      }
    },
    { url: modelUrl(retinaPage, MODEL, '/throttled/fixtures'), device },
  );
  expect(outcome.error).toBe('AbortError');
  expect(outcome.cached).not.toContain('/onnx/model.onnx');
  expect(outcome.architecture).toBe('BeitForImageClassification');
});

test('the worker takes maxFileBytes with the load options: a larger file is refused, and the next load works', async ({
  retinaPage,
  device,
}) => {
  const outcome = await retinaPage.evaluate(
    async ({ url, device }) => {
      const retina = Retina.createRetinaWorker({ device });
      try {
        const error = await retina.pipeline('image-classification', url, { maxFileBytes: 2000, useBrowserCache: false }).then(
          () => undefined,
          (reason: Error & { code?: string }) => ({ code: reason.code, message: reason.message }),
        );
        const pipe = await retina.pipeline('image-classification', url, { useBrowserCache: false });
        return { error, architecture: pipe.architecture };
      } finally {
        retina.terminate();
      }
    },
    { url: modelUrl(retinaPage, MODEL), device },
  );
  expect(outcome.error).toEqual({ code: 'FILE_TOO_LARGE', message: expect.stringMatching(/more than maxFileBytes \(2000 bytes\) allows/) });
  expect(outcome.architecture).toBe('BeitForImageClassification');
});
