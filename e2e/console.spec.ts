// A page that loads and runs a model logs nothing to the console: onnxruntime's own messages (e.g.
// VerifyEachNodeIsAssignedToAnEp on every session creation) stay quiet unless `logLevel` asks for them.
import type { ConsoleMessage } from '@playwright/test';
import { expect, modelUrl, test } from './support/test.js';

const MODEL = 'beit-cls';

async function loadAndClassify(page: import('@playwright/test').Page, url: string, device: string, logLevel?: string): Promise<string[]> {
  const messages: string[] = [];
  const record = (message: ConsoleMessage) => messages.push(`${message.type()}: ${message.text()}`);
  page.on('console', record);
  try {
    await page.evaluate(
      async ({ url, device, logLevel }) => {
        const retina = Retina.createRetinaWorker({ device: device as 'wasm' });
        try {
          const classify = await retina.pipeline('image-classification', url, logLevel ? { logLevel: logLevel as 'warning' } : {});
          await classify('/fixtures/images/chelsea.png');
          await classify.close();
        } finally {
          retina.terminate();
        }
      },
      { url, device, logLevel },
    );
  } finally {
    page.off('console', record);
  }
  return messages;
}

test('loading a model and running it logs nothing to the console', async ({ retinaPage, device }) => {
  expect(await loadAndClassify(retinaPage, modelUrl(retinaPage, MODEL), device)).toEqual([]);
});

test('logLevel "verbose" brings onnxruntime\'s messages back', async ({ retinaPage, device }) => {
  const messages = await loadAndClassify(retinaPage, modelUrl(retinaPage, MODEL), device, 'verbose');
  expect(
    messages.some((message) => message.includes('onnxruntime')),
    messages.join('\n'),
  ).toBe(true);
});
