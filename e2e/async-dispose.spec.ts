// `await using` on the worker handle and its pipelines, in the browser (the syntax runs natively in Chromium).
import { expect, modelUrl, test } from './support/test.js';

test('leaving an `await using` block closes the pipeline, then frees the sessions and ends the worker', async ({ retinaPage, device }) => {
  const workers: { closed: boolean }[] = [];
  retinaPage.on('worker', (worker) => {
    const entry = { closed: false };
    workers.push(entry);
    worker.on('close', () => (entry.closed = true));
  });
  // A string, so that the test's own TypeScript transform never sees the syntax.
  const script = `(async ({ url, device }) => {
    const image = { data: new Uint8Array(32 * 32 * 3).fill(128), width: 32, height: 32, channels: 3 };
    let escaped;
    {
      await using retina = Retina.createRetinaWorker({ device });
      await using classify = await retina.pipeline('image-classification', url);
      escaped = classify;
      await classify(image);
    }
    return escaped(image).then(() => 'ran', (error) => error.message);
  })(${JSON.stringify({ url: modelUrl(retinaPage, 'bit-preact-cls'), device })})`;
  const afterBlock = await retinaPage.evaluate(script);
  expect(afterBlock).toMatch(/closed/);
  await expect.poll(() => workers.map((worker) => worker.closed)).toEqual([true]);
});
