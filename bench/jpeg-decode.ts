// pnpm bench:jpeg — ms to decode the 4032x3024 bench photo as a JPEG: Retina in Node (libjpeg-turbo
// WebAssembly), Retina in headless Chromium on the platform decoder and forced to WebAssembly, the
// bare platform decode (createImageBitmap + canvas read-back), and Pillow where /usr/bin/python3 has it.
// The JPEG is the bench photo encoded by Chromium's canvas (quality 0.9, 4:2:0).
import { chromium } from '@playwright/test';
import { loadImage } from '@retina/core';
import { execFileSync, execSync } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { build } from 'vite';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../e2e/support/chromium.js';
// The core page's global RetinaCore, for the types of what runs in the page.
import type {} from '../e2e/core-page/main.js';
import { benchDir, buildRetinaWorker, repoRoot, snapshotRetinaWorker, testPhoto } from './prepare.js';
import { startStaticServer } from './static-server.js';
import { median } from './stats.js';

const RUNS = 10;
const PILLOW_PYTHON = '/usr/bin/python3';

async function timeRuns(run: () => Promise<unknown>): Promise<number> {
  await run();
  const times: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const started = performance.now();
    await run();
    times.push(performance.now() - started);
  }
  return median(times);
}

/** Pillow's decode (Image.open + load, from bytes in memory), median ms; undefined without Pillow. */
function pillowDecodeMs(jpegPath: string): { ms: number; version: string } | undefined {
  if (!existsSync(PILLOW_PYTHON)) return undefined;
  const script = [
    'import io, json, sys, time, PIL',
    'from PIL import Image',
    'data = open(sys.argv[1], "rb").read()',
    'Image.open(io.BytesIO(data)).load()',
    'times = []',
    `for _ in range(${RUNS}):`,
    '    t = time.perf_counter(); Image.open(io.BytesIO(data)).load(); times.append((time.perf_counter() - t) * 1000)',
    'print(json.dumps({"ms": sorted(times)[len(times) // 2], "version": PIL.__version__}))',
  ].join('\n');
  try {
    return JSON.parse(execFileSync(PILLOW_PYTHON, ['-c', script, jpegPath], { encoding: 'utf8' })) as { ms: number; version: string };
  } catch {
    return undefined;
  }
}

if (!process.argv.includes('--no-build')) {
  // Node runs @retina/core's dist.
  execSync('pnpm --filter @retina/core build', { cwd: repoRoot, stdio: 'inherit' });
  buildRetinaWorker();
}
const workerDir = await snapshotRetinaWorker();
await build({ configFile: join(repoRoot, 'e2e', 'core-page', 'vite.config.ts') });
const photo = testPhoto();
const { origin, server } = await startStaticServer({
  '/core-page/': join(repoRoot, 'e2e', 'core-page', 'dist'),
  '/worker/': workerDir,
  '/input/': photo.folder,
});
const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
try {
  const page = await browser.newPage();
  // tsx names the functions defined inside page.evaluate with a helper the page lacks.
  await page.addInitScript('globalThis.__name = (fn) => fn');
  await page.goto(`${origin}/core-page/index.html`);
  await page.waitForFunction(() => typeof RetinaCore === 'object');
  const inBrowser = await page.evaluate(
    async ({ photoUrl, runs }) => {
      const bitmap = await createImageBitmap(await (await fetch(photoUrl)).blob());
      const canvas = new OffscreenCanvas(bitmap.width, bitmap.height);
      canvas.getContext('2d')!.drawImage(bitmap, 0, 0);
      const jpeg = new Uint8Array(await (await canvas.convertToBlob({ type: 'image/jpeg', quality: 0.9 })).arrayBuffer());
      const time = async (run: () => Promise<unknown>) => {
        await run();
        const times: number[] = [];
        for (let i = 0; i < runs; i++) {
          const started = performance.now();
          await run();
          times.push(performance.now() - started);
        }
        return times.sort((a, b) => a - b)[Math.floor(times.length / 2)]!;
      };
      const bare = () =>
        createImageBitmap(new Blob([jpeg], { type: 'image/jpeg' }), { colorSpaceConversion: 'none', premultiplyAlpha: 'none' }).then(
          (decoded) => {
            const { width, height } = decoded;
            const context = new OffscreenCanvas(width, height).getContext('2d', { willReadFrequently: true })!;
            context.drawImage(decoded, 0, 0);
            decoded.close();
            return context.getImageData(0, 0, width, height);
          },
        );
      let binary = '';
      for (let i = 0; i < jpeg.length; i += 0x8000) binary += String.fromCharCode(...jpeg.subarray(i, i + 0x8000));
      return {
        jpeg: btoa(binary),
        bare: await time(bare),
        platform: await time(() => RetinaCore.loadImage(jpeg)),
        platformOpaqueAlpha: await time(() => RetinaCore.loadImage(jpeg, { keepOpaqueAlpha: true })),
        wasm: await time(() => RetinaCore.loadImage(jpeg, { jpegDecoder: 'wasm' })),
      };
    },
    { photoUrl: `${origin}/input/${photo.file}`, runs: RUNS },
  );
  const jpeg = Buffer.from(inBrowser.jpeg, 'base64');
  const jpegPath = join(benchDir, '.cache', `photo-${photo.width}x${photo.height}.jpg`);
  writeFileSync(jpegPath, jpeg);
  const node = await timeRuns(() => loadImage(jpeg));
  const pillow = pillowDecodeMs(jpegPath);
  const row = (name: string, ms: number) => console.log(`${name.padEnd(62)} ${ms.toFixed(1).padStart(7)} ms`);
  console.log(`Decoding a ${photo.width}x${photo.height} JPEG (${(jpeg.length / 2 ** 20).toFixed(2)} MiB), median of ${RUNS} runs`);
  row(`Node ${process.version}: Retina (libjpeg-turbo WebAssembly)`, node);
  row('Chromium: Retina, platform decoder (RGB out)', inBrowser.platform);
  row('Chromium: Retina, platform decoder (keepOpaqueAlpha, RGBA out)', inBrowser.platformOpaqueAlpha);
  row('Chromium: Retina, libjpeg-turbo WebAssembly (forced)', inBrowser.wasm);
  row('Chromium: bare createImageBitmap + getImageData', inBrowser.bare);
  if (pillow) row(`Pillow ${pillow.version} (${PILLOW_PYTHON}, C libjpeg-turbo)`, pillow.ms);
  else console.log(`Pillow: not measured (${PILLOW_PYTHON} with PIL not found; apt-get install -y python3-pil)`);
} finally {
  await browser.close();
  server.close();
}
