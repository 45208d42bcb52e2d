// A server that answers model files with an HTML page (a dev server's or single-page app's fallback)
// must not poison the Cache API: the page is named in the error, nothing of it is kept, and once the
// server serves the files the next load downloads them. (`source: 'onnx'`: with "auto", a graph the
// server does not have is built from the fixture's checkpoint instead.)
import { expect, modelUrl, test } from './support/test.js';

const MODEL = 'beit-cls';
const INDEX_HTML = '<!doctype html>\n<html><head><title>My app</title></head><body><div id="app"></div></body></html>\n';

test('an HTML page answered for config.json or the graph is reported, not cached, and fetched again later', async ({
  retinaPage,
  context,
  device,
}) => {
  const url = modelUrl(retinaPage, MODEL);
  const load = () =>
    retinaPage.evaluate(
      async ({ url, device }) => {
        const retina = Retina.createRetinaWorker({ device: device as 'wasm' });
        try {
          const outcome = await retina.pipeline('image-classification', url, { source: 'onnx' }).then(
            (pipe) => pipe.architecture,
            (error: Error) => `${error.name}: ${error.message}`,
          );
          const cache = await caches.open('retina-models');
          return { outcome, cached: (await cache.keys()).map((request) => request.url.slice(url.length)).sort() };
        } finally {
          retina.terminate();
        }
      },
      { url, device },
    );
  const fallback = (file: string) =>
    context.route(`${url}/${file}`, (route) => route.fulfill({ status: 200, contentType: 'text/html; charset=utf-8', body: INDEX_HTML }));
  const requested: string[] = [];
  context.on('request', (request) => {
    if (request.url().startsWith(url)) requested.push(request.url().slice(url.length));
  });

  await fallback('config.json');
  await fallback('onnx/model.onnx');
  const first = await load();
  expect(first.outcome).toMatch(/config\.json was not found at .*: the server answered with an HTML page instead of the file/);
  expect(first.cached).toEqual(['/preprocessor_config.json']);

  await context.unroute(`${url}/config.json`);
  const second = await load();
  expect(second.outcome).toMatch(/onnx\/model\.onnx was not found at .*: the server answered with an HTML page instead of the file/);
  expect(second.cached).toEqual(['/config.json', '/preprocessor_config.json']);

  await context.unroute(`${url}/onnx/model.onnx`);
  requested.length = 0;
  const third = await load();
  expect(third.outcome).toBe('BeitForImageClassification');
  expect(requested).toEqual(['/onnx/model.onnx']);
  expect(third.cached).toEqual(['/config.json', '/onnx/model.onnx', '/preprocessor_config.json']);
});
