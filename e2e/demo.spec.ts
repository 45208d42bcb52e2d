// The demo app end to end: classify and segment samples, switch backend, pick a local image and a
// local model folder, recover from a broken image. Results must equal @retina/core's in Node on the
// same model and image. Screenshots go to test-results/ as artifacts.
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadImage, loadLabelMap } from '@retina/core';
import type { Page, TestInfo } from '@playwright/test';
import type { PreviewServer } from 'vite';
import {
  coreClassification,
  coreDepth,
  coreSegmentation,
  demoPublic,
  demoUrl,
  embeddedModelFolder,
  serveDemo,
} from './support/demo-app.js';
import { fixtureFile } from './support/fixtures.js';
import { expect, test } from './support/test.js';

const DEVICE_LABEL = { webgpu: 'WebGPU', wasm: 'WebAssembly' } as const;
// WebGPU kernels round differently from WebAssembly's: scores agree to this, class ids wherever no two
// classes are this close.
const SCORE_TOLERANCE = { webgpu: 1e-3, wasm: 1e-5 } as const;

let server: PreviewServer;
let baseUrl: string;

test.beforeAll(async () => {
  test.setTimeout(300_000);
  server = await serveDemo();
  baseUrl = demoUrl(server);
});

test.afterAll(async () => {
  await server?.close();
});

async function screenshot(page: Page, testInfo: TestInfo, name: string): Promise<void> {
  const path = testInfo.outputPath(`${name}.png`);
  await page.screenshot({ path, fullPage: true });
  await testInfo.attach(name, { path, contentType: 'image/png' });
}

/** Opens the demo on `device` and waits until the built-in classifier is loaded. */
async function openDemo(page: Page, device: 'webgpu' | 'wasm'): Promise<void> {
  page.on('console', (message) => {
    if (message.type() === 'error') console.log(`[page error] ${message.text()}`);
  });
  await page.goto(baseUrl);
  await page.getByLabel('Run the model on').selectOption(device);
  await expect(page.locator('#backend-status')).toContainText(`Running on ${DEVICE_LABEL[device]}`, { timeout: 60_000 });
  await expect(page.locator('#model-status')).toContainText('Loaded:');
}

async function shownClassification(page: Page): Promise<{ label: string; score: number }[]> {
  const items = page.locator('#top-classes li');
  await expect(items.first()).toBeVisible({ timeout: 60_000 });
  return items.evaluateAll((elements) => elements.map((li) => ({ label: li.dataset.label!, score: Number(li.dataset.score) })));
}

function expectSameClassification(
  shown: { label: string; score: number }[],
  core: { label: string; score: number }[],
  device: 'webgpu' | 'wasm',
): void {
  expect(shown.map((c) => c.label)).toEqual(core.map((c) => c.label));
  shown.forEach((c, i) => expect(Math.abs(c.score - core[i]!.score)).toBeLessThanOrEqual(SCORE_TOLERANCE[device]));
}

test('classifies a sample like the core pipeline', async ({ page, device }, testInfo) => {
  await openDemo(page, device);
  await page.locator('[data-sample="shape-star.png"]').click();
  const shown = await shownClassification(page);
  const core = await coreClassification(embeddedModelFolder('classifier'), join(demoPublic, 'samples', 'shape-star.png'));
  expectSameClassification(shown, core, device);
  await expect(page.locator('#result-summary')).toContainText(`Most likely: ${core[0]!.label}`);
  for (const stage of ['decode', 'preprocess', 'inference', 'postprocess', 'transfer']) {
    await expect(page.locator(`#timings-body tr[data-stage="${stage}"] td`).first()).toHaveText(/\d ms$/);
  }
  await screenshot(page, testInfo, 'classify-sample');
});

test('segments a sample like the core pipeline, with legend, hover and mask download', async ({ page, device }, testInfo) => {
  await openDemo(page, device);
  await page.locator('[data-sample="scene-3.png"]').click();
  await expect(page.locator('#model-status')).toContainText('segmentation', { timeout: 60_000 });
  const legend = page.locator('#legend li');
  await expect(legend.first()).toBeVisible({ timeout: 60_000 });

  const image = join(demoPublic, 'samples', 'scene-3.png');
  const core = await coreSegmentation(embeddedModelFolder('segmenter'), image);
  const shownLabels = await legend.evaluateAll((elements) => elements.map((li) => li.dataset.label));
  expect(shownLabels).toEqual(core.segments.map((segment) => segment.label));

  const download = page.waitForEvent('download');
  await page.getByRole('button', { name: 'Download mask (PNG)' }).click();
  const mask = await loadLabelMap(readFileSync(await (await download).path()));
  expect([mask.width, mask.height]).toEqual([core.labelMap.width, core.labelMap.height]);
  const differing = core.labelMap.data.filter((id, i) => mask.data[i] !== id).length;
  // WebAssembly runs the same kernels as the reference: identical. WebGPU may flip near-ties only.
  expect(differing / core.labelMap.data.length).toBeLessThanOrEqual(device === 'wasm' ? 0 : 0.002);

  // The coloured mask: one colour per class of the class-id mask, the same colour wherever its class is.
  const colouredDownload = page.waitForEvent('download');
  await page.getByRole('button', { name: 'Download coloured mask (PNG)' }).click();
  const coloured = await loadImage(readFileSync(await (await colouredDownload).path()));
  expect([coloured.width, coloured.height, coloured.channels]).toEqual([mask.width, mask.height, 4]);
  const colourOfClass = new Map<number, string>();
  let offColour = 0;
  mask.data.forEach((id, i) => {
    const colour = Array.from(coloured.data.subarray(i * 4, i * 4 + 4)).join(',');
    if ((colourOfClass.get(id) ?? colour) !== colour) offColour++;
    colourOfClass.set(id, colour);
  });
  expect(offColour).toBe(0);
  expect(new Set(colourOfClass.values()).size).toBe(colourOfClass.size);

  const stage = page.locator('#stage');
  await stage.hover();
  await expect(page.locator('#hover-class')).toContainText(/At \(\d+, \d+\): \S/);
  // Keyboard users probe with the arrow keys.
  await stage.focus();
  await page.keyboard.press('ArrowLeft');
  await expect(page.locator('#hover-class')).toContainText(/At \(\d+, \d+\): \S/);
  await page.getByLabel(/Overlay opacity/).fill('90');
  await expect(page.locator('#overlay-opacity-value')).toHaveText('90%');
  await screenshot(page, testInfo, 'segment-sample');
});

test('shows the depth of a sample like the core pipeline, with legend, hover readout and depth download', async ({
  page,
  device,
}, testInfo) => {
  await openDemo(page, device);
  await page.locator('[data-sample="depth-2.png"]').click();
  await expect(page.locator('#model-status')).toContainText('depth estimation', { timeout: 60_000 });
  const legend = page.locator('#depth-legend');
  await expect(legend).toBeVisible({ timeout: 60_000 });

  const core = await coreDepth(embeddedModelFolder('depth'), join(demoPublic, 'samples', 'depth-2.png'));
  let [min, max] = [Infinity, -Infinity];
  for (const value of core.predictedDepth.data) [min, max] = [Math.min(min, value), Math.max(max, value)];
  const tolerance = SCORE_TOLERANCE[device] * Math.max(1, max);
  expect(Math.abs(Number(await legend.getAttribute('data-min')) - min)).toBeLessThanOrEqual(tolerance);
  expect(Math.abs(Number(await legend.getAttribute('data-max')) - max)).toBeLessThanOrEqual(tolerance);
  await expect(page.locator('#depth-far')).toContainText('far');
  await expect(page.locator('#result-summary')).toContainText('Depth map');

  const download = page.waitForEvent('download');
  await page.getByRole('button', { name: 'Download depth image (PNG)' }).click();
  const shown = await loadImage(readFileSync(await (await download).path()));
  expect([shown.width, shown.height]).toEqual([core.depth.width, core.depth.height]);
  // One channel per pixel in the PNG (decoded as gray); a value may move by one where the float map sits on a byte step.
  const gray = shown.channels === 1 ? shown.data : shown.data.filter((_, i) => i % shown.channels === 0);
  const off = core.depth.data.filter((value, i) => Math.abs(value - gray[i]!) > (device === 'wasm' ? 0 : 1)).length;
  expect(off).toBe(0);

  const stage = page.locator('#stage');
  await stage.hover();
  await expect(page.locator('#hover-depth')).toContainText(/At \(\d+, \d+\): depth -?\d/);
  await stage.focus();
  await page.keyboard.press('ArrowUp');
  await expect(page.locator('#hover-depth')).toContainText(/At \(\d+, \d+\): depth -?\d/);
  await page.getByLabel(/Depth map opacity/).fill('50');
  await expect(page.locator('#depth-opacity-value')).toHaveText('50%');
  await screenshot(page, testInfo, 'depth-sample');
});

test('switches backend and shows what runs', async ({ page, device }, testInfo) => {
  await openDemo(page, device);
  await page.locator('[data-sample="shape-ring.png"]').click();
  const before = await shownClassification(page);
  const other = device === 'webgpu' ? 'wasm' : 'auto';
  await page.getByLabel('Run the model on').selectOption(other);
  const expected = other === 'wasm' ? 'Running on WebAssembly' : /Running on (WebGPU|WebAssembly)/;
  await expect(page.locator('#backend-status')).toContainText(expected, { timeout: 60_000 });
  await expect(page.locator('#backend-status')).toContainText(/WebGPU adapter: |No WebGPU adapter/);
  // The last image runs again on the new backend, with the same answer.
  await expect(page.locator('#result-summary')).toContainText('Most likely', { timeout: 60_000 });
  expectSameClassification(await shownClassification(page), before, 'webgpu');
  await screenshot(page, testInfo, 'switch-backend');
});

test('switches precision, says what it trades, and keeps the switches inside their panel', async ({ page, device }, testInfo) => {
  await openDemo(page, device);
  await expect(page.locator('#precision-note')).toContainText("The reference's numbers");
  await page.locator('[data-sample="shape-ring.png"]').click();
  const before = await shownClassification(page);
  // The built-in models come with their checkpoint, from which the q8 graph is built.
  await page.getByLabel('Precision').selectOption('q8');
  await expect(page.locator('#precision-note')).toContainText('8-bit Linear weights');
  await expect(page.locator('#backend-status')).toContainText(`${DEVICE_LABEL[device]}`);
  await expect(page.locator('#backend-status')).toContainText(', q8.', { timeout: 60_000 });
  await expect(page.locator('#result-summary')).toContainText(`Most likely: ${before[0]!.label}`, { timeout: 60_000 });
  const panel = (await page.locator('#backend').locator('xpath=ancestor::section[1]').boundingBox())!;
  for (const select of ['#backend', '#precision']) {
    const box = (await page.locator(select).boundingBox())!;
    expect(box.x + box.width, `${select} ends inside its panel`).toBeLessThanOrEqual(panel.x + panel.width);
  }
  await screenshot(page, testInfo, 'switch-precision');
});

test('classifies a local image file', async ({ page, device }, testInfo) => {
  await openDemo(page, device);
  const file = join(demoPublic, 'samples', 'shape-hexagon.png');
  await page.locator('#file-input').setInputFiles(file);
  const shown = await shownClassification(page);
  expectSameClassification(shown, await coreClassification(embeddedModelFolder('classifier'), file), device);
  await screenshot(page, testInfo, 'local-file');
});

test('explains a broken image and recovers', async ({ page, device }, testInfo) => {
  await openDemo(page, device);
  const png = readFileSync(join(demoPublic, 'samples', 'shape-square.png'));
  await page.locator('#file-input').setInputFiles({ name: 'broken.png', mimeType: 'image/png', buffer: png.subarray(0, 120) });
  const error = page.getByRole('alert');
  await expect(error).toBeVisible({ timeout: 60_000 });
  await expect(error.locator('h2')).toHaveText(/image/i);
  await expect(page.locator('#result-summary')).toContainText('No result for broken.png');
  await screenshot(page, testInfo, 'broken-image');

  await page.locator('#file-input').setInputFiles(join(demoPublic, 'samples', 'shape-square.png'));
  await expect(error).toBeHidden();
  await shownClassification(page);
  await screenshot(page, testInfo, 'recovered');
});

test('runs live camera frames, dropping those that arrive while the model is busy', async ({ page, device }, testInfo) => {
  // A stand-in camera: a canvas animating a star, captured as a media stream at 30 frames per second.
  await page.addInitScript(() => {
    navigator.mediaDevices.getUserMedia = async () => {
      const canvas = Object.assign(document.createElement('canvas'), { width: 320, height: 240 });
      const context = canvas.getContext('2d')!;
      const draw = (time: number) => {
        context.fillStyle = '#123';
        context.fillRect(0, 0, 320, 240);
        context.fillStyle = '#fc3';
        context.beginPath();
        for (let i = 0; i < 10; i++) {
          const radius = i % 2 ? 30 : 75;
          const angle = (i * Math.PI) / 5 + time / 1000;
          context.lineTo(160 + radius * Math.sin(angle), 120 - radius * Math.cos(angle));
        }
        context.fill();
        requestAnimationFrame(draw);
      };
      requestAnimationFrame(draw);
      return canvas.captureStream(30);
    };
  });
  await openDemo(page, device);
  await page.getByRole('button', { name: 'Start camera' }).click();
  await expect(page.getByRole('button', { name: 'Stop camera' })).toHaveAttribute('aria-pressed', 'true');
  await expect(page.locator('#camera-status')).toContainText(/([3-9]|\d\d+) frames analysed, \d+ dropped/, { timeout: 60_000 });
  await expect(page.locator('#result-summary')).toHaveAttribute('aria-live', 'off');
  await expect(page.locator('#top-classes li')).toHaveCount(5);
  await screenshot(page, testInfo, 'camera');
  await page.getByRole('button', { name: 'Stop camera' }).click();
  await expect(page.locator('#camera-status')).toHaveText('Camera stopped.');
  await expect(page.locator('#result-summary')).toHaveAttribute('aria-live', 'polite');
});

test('loads a model from a local folder', async ({ page, device }, testInfo) => {
  await openDemo(page, device);
  // Local folders are served by the app's service worker, which takes control after the first load.
  await page.waitForFunction(() => navigator.serviceWorker.controller !== null, undefined, { timeout: 60_000 });
  await page.getByLabel('A folder on this computer').check();
  await page.locator('#folder-input').setInputFiles(embeddedModelFolder('segmenter'));
  await expect(page.locator('#model-status')).toContainText('Loaded: folder', { timeout: 60_000 });
  await expect(page.locator('#model-status')).toContainText('segmentation');
  await page.locator('#file-input').setInputFiles(join(demoPublic, 'samples', 'scene-1.png'));
  await expect(page.locator('#legend li').first()).toBeVisible({ timeout: 60_000 });
  await screenshot(page, testInfo, 'local-folder');
});

test('loads a checkpoint-only local folder (no onnx/) and offers the Hub models', async ({ page, device }) => {
  await openDemo(page, device);
  await page.waitForFunction(() => navigator.serviceWorker.controller !== null, undefined, { timeout: 60_000 });
  await page.getByLabel('Hugging Face (needs a connection)').check();
  // Offered, never loaded here: no test downloads them.
  expect(
    await page.locator('#hub-models option').evaluateAll((options) => options.map((option) => (option as HTMLOptionElement).value)),
  ).toEqual([
    'google/bit-50',
    'microsoft/beit-base-patch16-224',
    'microsoft/beit-base-finetuned-ade-640-640',
    'google/vit-hybrid-base-bit-384',
    'Intel/dpt-hybrid-midas',
  ]);
  const folder = join(mkdtempSync(join(tmpdir(), 'retina-demo-')), 'bit-checkpoint');
  try {
    mkdirSync(folder);
    for (const file of ['config.json', 'preprocessor_config.json', 'model.safetensors'])
      copyFileSync(fixtureFile('models', 'bit-preact-cls', file), join(folder, file));
    await page.getByLabel('A folder on this computer').check();
    await page.locator('#folder-input').setInputFiles(folder);
    await expect(page.locator('#model-status')).toContainText('Loaded: folder “bit-checkpoint”', { timeout: 60_000 });
    await expect(page.locator('#model-status')).toContainText('BitForImageClassification');
    const image = join(demoPublic, 'samples', 'scene-1.png');
    await page.locator('#file-input').setInputFiles(image);
    expectSameClassification(await shownClassification(page), await coreClassification(folder, image), device);
  } finally {
    rmSync(join(folder, '..'), { recursive: true, force: true });
  }
});
