// JPEG files decode in Chromium to exactly the pixels Pillow 9.4 gives, through the browser's own
// decoder (once its probe matched) and through libjpeg-turbo's WebAssembly when that is forced; the
// worker reports which decoder ran and gets the same results as on Pillow's pixels.
// Chromium decodes gray and YCbCr JPEGs with libjpeg-turbo as Pillow does, but rounds its CMYK to
// RGB conversion differently (1 level off on 632 of the CMYK probe's 1536 values; the fixture's
// CMYK file, converted from RGB with K = 0, hides it): CMYK fails its probe and goes to WebAssembly.
import { readFileSync } from 'node:fs';
import { fixtureFile } from './support/fixtures.js';
import { expect, modelUrl, test } from './support/test.js';

interface JpegCase {
  id: string;
  decoded_mode: 'L' | 'RGB' | 'CMYK';
  width: number;
  height: number;
  channels: number;
}

const cases = (JSON.parse(readFileSync(fixtureFile('jpeg', 'index.json'), 'utf8')) as { cases: JpegCase[] }).cases;
const onPlatform = (id: string, jpegDecoder: 'auto' | 'wasm') =>
  jpegDecoder === 'auto' && cases.find((c) => c.id === id)!.decoded_mode !== 'CMYK';

test("every fixture JPEG decodes to exactly Pillow's pixels in the page, on the platform decoder and on the forced WebAssembly one", async ({
  page,
}) => {
  await page.goto('/core-page/index.html');
  await page.waitForFunction(() => typeof RetinaCore === 'object');
  const results = await page.evaluate(async (cases) => {
    // Sizes of the blobs createImageBitmap decodes: the file's own size means the platform decoded it.
    const decodedSizes: number[] = [];
    const native = globalThis.createImageBitmap;
    globalThis.createImageBitmap = ((source: ImageBitmapSource, options?: ImageBitmapOptions) => {
      if (source instanceof Blob) decodedSizes.push(source.size);
      return native(source, options);
    }) as typeof createImageBitmap;
    const rows = [];
    for (const { id } of cases) {
      const file = new Uint8Array(await (await fetch(`/fixtures/jpeg/${id}.jpg`)).arrayBuffer());
      const expected = new Uint8Array(await (await fetch(`/fixtures/jpeg/${id}.bin`)).arrayBuffer());
      for (const jpegDecoder of ['auto', 'wasm'] as const) {
        decodedSizes.length = 0;
        const image = await RetinaCore.loadImage(file, { jpegDecoder });
        let mismatches = Math.abs(expected.length - image.data.length);
        for (let i = 0; i < Math.min(expected.length, image.data.length); i++) if (expected[i] !== image.data[i]) mismatches++;
        const platform = decodedSizes.includes(file.length);
        rows.push({ id, jpegDecoder, size: [image.width, image.height, image.channels], mismatches, platform });
      }
    }
    return rows;
  }, cases);
  expect(results).toHaveLength(cases.length * 2);
  for (const row of results) {
    const entry = cases.find((c) => c.id === row.id)!;
    const name = `${row.id} (${row.jpegDecoder})`;
    expect(row.size, name).toEqual([entry.width, entry.height, entry.channels]);
    expect(row.mismatches, name).toBe(0);
    expect(row.platform, name).toBe(onPlatform(row.id, row.jpegDecoder));
  }
});

test("through the worker: JPEGs give the features Pillow's pixels give, and the report names the decoder", async ({
  retinaPage,
  device,
}) => {
  const outcome = await retinaPage.evaluate(
    async ({ url, device, cases }) => {
      const retina = Retina.createRetinaWorker({ device });
      try {
        const extract = await retina.pipeline('image-feature-extraction', url);
        // At full size (no resize, no crop) every decoded pixel reaches the model.
        const preprocess = { doResize: false, doCenterCrop: false };
        const rows = [];
        for (const { id, width, height } of cases) {
          const pillow = new Uint8Array(await (await fetch(`/fixtures/jpeg/${id}.bin`)).arrayBuffer());
          const channels = pillow.length / (width * height);
          const reference = await extract({ data: pillow, width, height, channels: channels as 1 | 3 }, { preprocess });
          for (const jpegDecoder of ['auto', 'wasm'] as const) {
            let decoders: string[] = [];
            const features = await extract(`/fixtures/jpeg/${id}.jpg`, {
              preprocess: { ...preprocess, load: { jpegDecoder } },
              onTimings: (timings) => (decoders = timings.decoders),
            });
            let differing = features.data.length === reference.data.length ? 0 : Infinity;
            for (let i = 0; i < reference.data.length; i++) if (features.data[i] !== reference.data[i]) differing++;
            rows.push({ id, jpegDecoder, decoders, differing, values: reference.data.length });
          }
        }
        return rows;
      } finally {
        retina.terminate();
      }
    },
    { url: modelUrl(retinaPage, 'bit-feature'), device, cases },
  );
  expect(outcome).toHaveLength(cases.length * 2);
  for (const row of outcome) {
    const name = `${row.id} (${row.jpegDecoder})`;
    expect(row.values, name).toBeGreaterThan(0);
    expect(row.differing, name).toBe(0);
    expect(row.decoders, name).toEqual([onPlatform(row.id, row.jpegDecoder) ? 'platform' : 'wasm']);
  }
});
