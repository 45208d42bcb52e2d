// The script-tag build works from a static page under `script-src 'self' 'wasm-unsafe-eval'`.
import { expect, test } from './support/test.js';

test('the script-tag page classifies an image under the strict CSP', async ({ page, device }) => {
  const violations: string[] = [];
  page.on('console', (message) => {
    if (/Content Security Policy/i.test(message.text())) violations.push(message.text());
  });
  await page.goto(`/pages/script-tag.html?device=${device}`);
  await expect(page.locator('#result')).not.toHaveText('loading…', { timeout: 60_000 });
  const result = JSON.parse((await page.locator('#result').textContent())!);
  expect(result.error).toBeUndefined();
  expect(result.backend).toMatchObject({ runtime: 'onnxruntime-web', device });
  expect(result.labels.length).toBeGreaterThan(0);
  expect([...result.violations, ...violations]).toEqual([]);
});
