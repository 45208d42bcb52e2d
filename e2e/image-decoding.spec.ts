// PNG files decode in the browser to exactly the pixels Pillow gives: 8-bit gray and RGB through the
// platform's decoder (WebCodecs' ImageDecoder, which is faster), the rest through Retina's own.
import type { Page } from '@playwright/test';
import { readFileSync } from 'node:fs';
import { fixtureFile } from './support/fixtures.js';
import { buildPng, chunk } from '../packages/core/src/testing/png-writer.js';
import { expect, test } from './support/test.js';

interface FixtureImage {
  id: string;
  mode: 'L' | 'LA' | 'RGB' | 'RGBA' | 'P';
  width: number;
  height: number;
  palette?: number[];
  raw: { file: string; shape: number[] };
}

interface DecodeCase {
  name: string;
  png: string;
  /** Pillow's pixels, as stored in the fixture (palette indices for P). */
  raw: string;
  palette?: number[];
}

interface DecodeResult {
  name: string;
  width: number;
  height: number;
  channels: number;
  /** Channels with keepOpaqueAlpha. */
  paddedChannels: number;
  mismatches: number;
  /** Which decoder ran: the platform's (ImageDecoder) or Retina's (DecompressionStream). */
  decoder: 'platform' | 'javascript' | 'both' | 'none';
}

const images = (JSON.parse(readFileSync(fixtureFile('images', 'index.json'), 'utf8')) as { images: FixtureImage[] }).images;
const image = (id: string) => images.find((entry) => entry.id === id)!;
const CHANNELS = { L: 1, LA: 2, RGB: 3, RGBA: 4, P: 3 };

test.beforeEach(async ({ page }) => {
  await page.goto('/core-page/index.html');
  await page.waitForFunction(() => typeof RetinaCore === 'object');
  // Counts which decoder each load used, by wrapping the two browser APIs they start from.
  await page.evaluate(() => {
    const counts = { platform: 0, javascript: 0 };
    const NativeImageDecoder = globalThis.ImageDecoder;
    const NativeDecompressionStream = globalThis.DecompressionStream;
    globalThis.ImageDecoder = class extends NativeImageDecoder {
      constructor(init: ImageDecoderInit) {
        super(init);
        counts.platform++;
      }
    };
    globalThis.DecompressionStream = class extends NativeDecompressionStream {
      constructor(format: CompressionFormat) {
        super(format);
        counts.javascript++;
      }
    };
    Object.assign(globalThis, { decoderCounts: counts });
  });
});

/** Serves generated files at /generated/<name>.png. */
async function serveGenerated(page: Page, files: Record<string, Buffer>): Promise<void> {
  await page.route('**/generated/*.png', (route) => {
    const name = new URL(route.request().url()).pathname.split('/').pop()!.replace('.png', '');
    return route.fulfill({ body: files[name], contentType: 'image/png' });
  });
}

function decodeInPage(page: Page, cases: DecodeCase[]): Promise<DecodeResult[]> {
  return page.evaluate(async (cases) => {
    const counts = (globalThis as unknown as { decoderCounts: { platform: number; javascript: number } }).decoderCounts;
    const results = [];
    for (const { name, png, raw, palette } of cases) {
      const before = { ...counts };
      const decoded = await RetinaCore.loadImage(png);
      const used = { platform: counts.platform > before.platform, javascript: counts.javascript > before.javascript };
      const padded = await RetinaCore.loadImage(png, { keepOpaqueAlpha: true });
      const stored = new Uint8Array(await (await fetch(raw)).arrayBuffer());
      const expected = palette ? Uint8Array.from(Array.from(stored).flatMap((i) => palette.slice(i * 3, i * 3 + 3))) : stored;
      let mismatches = Math.abs(expected.length - decoded.data.length);
      for (let i = 0; i < Math.min(expected.length, decoded.data.length); i++) if (expected[i] !== decoded.data[i]) mismatches++;
      // With keepOpaqueAlpha, RGB may come as RGBA: the same colours, alpha 255.
      const paddedRgb = padded.channels === 4 && decoded.channels === 3;
      for (let p = 0; p < padded.width * padded.height; p++) {
        for (let c = 0; c < padded.channels; c++) {
          const want = paddedRgb ? (c === 3 ? 255 : decoded.data[p * 3 + c]) : decoded.data[p * padded.channels + c];
          if (padded.data[p * padded.channels + c] !== want) mismatches++;
        }
      }
      const decoder = used.platform ? (used.javascript ? 'both' : 'platform') : used.javascript ? 'javascript' : 'none';
      results.push({
        name,
        width: decoded.width,
        height: decoded.height,
        channels: decoded.channels,
        paddedChannels: padded.channels,
        mismatches,
        decoder,
      } as const);
    }
    return results;
  }, cases);
}

test("every fixture PNG decodes to exactly Pillow's pixels (RGB padded to RGBA on request), 8-bit gray and RGB on the platform decoder", async ({
  page,
}) => {
  const cases = images.map((entry) => ({
    name: entry.id,
    png: `/fixtures/images/${entry.id}.png`,
    raw: `/fixtures/${entry.raw.file}`,
    palette: entry.palette,
  }));
  const results = await decodeInPage(page, cases);
  for (const result of results) {
    const entry = image(result.name);
    expect([result.width, result.height, result.channels], result.name).toEqual([entry.width, entry.height, CHANNELS[entry.mode]]);
    expect(result.paddedChannels, result.name).toBe(entry.mode === 'RGB' ? 4 : CHANNELS[entry.mode]);
    expect(result.mismatches, result.name).toBe(0);
    // All fixture L and RGB files are 8-bit without tRNS; P, LA and RGBA need Retina's decoder.
    expect(result.decoder, result.name).toBe(entry.mode === 'L' || entry.mode === 'RGB' ? 'platform' : 'javascript');
  }
});

test('the platform decoder ignores gamma, chromaticities and rendering intent, and reads Adam7; 16-bit and tRNS stay off it', async ({
  page,
}) => {
  const rgb = image('chelsea');
  const gray = image('camera');
  const pixels = (entry: FixtureImage) => Array.from(readFileSync(fixtureFile(entry.raw.file)));
  const colourChunks = [
    chunk('gAMA', Uint8Array.of(0, 1, 0x86, 0xa0)), // gamma 1.0
    chunk('cHRM', new Uint8Array(32).fill(0x10)),
    chunk('sRGB', Uint8Array.of(3)),
  ];
  const first = pixels(rgb).slice(0, 3);
  const specs: Record<
    string,
    { source: FixtureImage; png: { depth?: number; adam7?: boolean; chunksBeforeData?: Uint8Array[] }; decoder: string }
  > = {
    'rgb-colour-chunks': { source: rgb, png: { chunksBeforeData: colourChunks }, decoder: 'platform' },
    'rgb-adam7': { source: rgb, png: { adam7: true }, decoder: 'platform' },
    'gray-adam7-gamma': { source: gray, png: { adam7: true, chunksBeforeData: colourChunks.slice(0, 1) }, decoder: 'platform' },
    // The low bytes would round the high ones up on a decoder that rounds; Pillow keeps the high byte.
    'rgb-16-bit': { source: rgb, png: { depth: 16 }, decoder: 'javascript' },
    'rgb-transparent-colour': {
      source: rgb,
      png: { chunksBeforeData: [chunk('tRNS', Uint8Array.of(0, first[0]!, 0, first[1]!, 0, first[2]!))] },
      decoder: 'javascript',
    },
  };
  const files = Object.fromEntries(
    Object.entries(specs).map(
      ([
        name,
        {
          source,
          png: { depth = 8, ...png },
        },
      ]) => {
        const samples = depth === 16 ? pixels(source).map((v) => (v << 8) | 0xa5) : pixels(source);
        const colorType = source.mode === 'L' ? 0 : 2;
        return [name, Buffer.from(buildPng({ ...png, width: source.width, height: source.height, depth, colorType, samples }))];
      },
    ),
  );
  await serveGenerated(page, files);
  const results = await decodeInPage(
    page,
    Object.entries(specs).map(([name, { source }]) => ({ name, png: `/generated/${name}.png`, raw: `/fixtures/${source.raw.file}` })),
  );
  for (const result of results) {
    const { source, decoder } = specs[result.name]!;
    expect([result.width, result.height, result.channels], result.name).toEqual([source.width, source.height, CHANNELS[source.mode]]);
    expect(result.mismatches, result.name).toBe(0);
    expect(result.decoder, result.name).toBe(decoder);
  }
});

test('processors given PNGs in the browser reproduce the reference pixel_values', async ({ page }) => {
  const index = JSON.parse(readFileSync(fixtureFile('processors', 'index.json'), 'utf8')) as {
    cases: { config: string; image: string; input: string; pixel_values?: { file: string } }[];
  };
  // The three processor families on an RGB, a gray and an EXIF-tagged image, as Pillow opens them.
  const configs = ['bit-default', 'beit-default', 'vit-hybrid-default'];
  const cases = index.cases.filter(
    (c) =>
      c.pixel_values && configs.includes(c.config) && ['chelsea', 'camera', 'rocket-exif6'].includes(c.image) && c.input.startsWith('PIL'),
  );
  expect(cases.length).toBe(8);
  const results = await page.evaluate(async (cases) => {
    const rows = [];
    for (const c of cases) {
      const processor = await RetinaCore.AutoImageProcessor.fromPretrained(new URL(`/fixtures/processors/${c.config}`, location.href).href);
      const { pixelValues } = await processor.preprocess(`/fixtures/images/${c.image}.png`);
      const expected = new Float32Array(await (await fetch(`/fixtures/${c.pixel_values!.file}`)).arrayBuffer());
      let maxAbsDiff = expected.length === pixelValues.data.length ? 0 : Infinity;
      for (let i = 0; i < expected.length; i++) maxAbsDiff = Math.max(maxAbsDiff, Math.abs(expected[i]! - pixelValues.data[i]!));
      rows.push({ name: `${c.config} / ${c.image}`, maxAbsDiff });
    }
    return rows;
  }, cases);
  for (const row of results) expect(row.maxAbsDiff, row.name).toBe(0);
});

test('a PNG whose image data is damaged fails with IMAGE_DECODE_FAILED, and the next one decodes', async ({ page }) => {
  const damaged = readFileSync(fixtureFile('images', 'chelsea.png'));
  const data = damaged.indexOf('IDAT') + 4;
  damaged.fill(0x55, data + 1000, data + 1100);
  await serveGenerated(page, { damaged });
  const outcome = await page.evaluate(async () => {
    const error = await RetinaCore.loadImage('/generated/damaged.png').then(
      () => undefined,
      (caught: unknown) => ({
        code: (caught as InstanceType<typeof RetinaCore.RetinaError>).code,
        message: String((caught as Error).message),
      }),
    );
    const next = await RetinaCore.loadImage('/fixtures/images/coffee.png');
    return { error, next: [next.width, next.height, next.channels] };
  });
  expect(outcome.error?.code).toBe('IMAGE_DECODE_FAILED');
  expect(outcome.error?.message).toMatch(/PNG could not be decoded/);
  expect(outcome.next).toEqual([600, 400, 3]);
});
