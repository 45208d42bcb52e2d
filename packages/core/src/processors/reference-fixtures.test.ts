// Every processor case of ../shared/fixtures/processors against the reference's outputs.
import { describe, expect, it } from 'vitest';
import { BeitImageProcessor } from '../models/beit/image-processing-beit.js';
import { BitImageProcessor } from '../models/bit/image-processing-bit.js';
import { ViTHybridImageProcessor } from '../models/vit-hybrid/image-processing-vit-hybrid.js';
import { imageIndex, maxAbsDiff, readBin, readBytes, readJson, type BinDescriptor, type ImageEntry } from '../testing/fixtures.js';
import type { ImageProcessor } from './image-processor.js';

interface ProcessorCase {
  config: string;
  image: string;
  input: string;
  pixel_values?: BinDescriptor;
  error?: { type: string; message: string };
}

const index = readJson('processors', 'index.json');
const images = new Map(imageIndex().map((e) => [e.id, e]));
const PROCESSOR_CLASSES: Record<string, new (config: Record<string, unknown>) => ImageProcessor> = {
  BitImageProcessor,
  ViTHybridImageProcessor,
  BeitImageProcessor,
};

function processorFor(configId: string): ImageProcessor {
  const entry = index.configs[configId];
  const config = readJson(entry.preprocessor_config);
  return new PROCESSOR_CLASSES[entry.class]!(config);
}

/** The PNG bytes of a fixture image: the processors decode them like any user input. */
function pngOf(id: string): Uint8Array {
  return readBytes(images.get(id)!.png);
}

/**
 * The reference's RGB conversion written out independently of the SDK, from the fixture's raw
 * pixels: L replicated, LA/RGBA alpha dropped, P looked up in the palette.
 */
function referenceRgb(entry: ImageEntry): { data: Uint8Array; width: number; height: number; channels: 3 } {
  const raw = readBin(entry.raw, '') as Uint8Array;
  const pixels = entry.width * entry.height;
  const rgb = new Uint8Array(pixels * 3);
  const bandsIn = entry.raw.layout === 'HW' ? 1 : entry.raw.shape[2]!;
  for (let p = 0; p < pixels; p++) {
    for (let c = 0; c < 3; c++) {
      if (entry.mode === 'P') rgb[p * 3 + c] = entry.palette![raw[p]! * 3 + c]!;
      else rgb[p * 3 + c] = raw[p * bandsIn + (bandsIn >= 3 ? c : 0)]!;
    }
  }
  return { data: rgb, width: entry.width, height: entry.height, channels: 3 };
}

const cases = index.cases as ProcessorCase[];
const matching = cases.filter((c) => c.pixel_values && !(c.config !== 'beit-no-resize' && c.image === 'indexed-5x3'));
const figures: string[] = [];

describe('processors reproduce the reference pixel_values', () => {
  it.each(matching.map((c) => [`${c.config} / ${c.image}${c.input.startsWith('transformers') ? ' (load_image)' : ''}`, c] as const))(
    '%s',
    async (_name, c) => {
      const applyExif = c.input.startsWith('transformers.image_utils.load_image');
      const { pixelValues } = await processorFor(c.config).preprocess(pngOf(c.image), { load: { applyExifOrientation: applyExif } });
      const expected = readBin(c.pixel_values!, '') as Float32Array;
      expect(pixelValues.dims).toEqual(c.pixel_values!.shape);
      const diff = maxAbsDiff(pixelValues.data, expected);
      figures.push(`${c.config}/${c.image}: ${diff}`);
      expect(diff).toBe(0);
    },
  );

  it('reports the reached figures', () => {
    console.log(`pixel_values max abs diff per case:\n${figures.join('\n')}`);
    expect(figures.length).toBe(matching.length);
  });
});

describe('inputs the reference fails on or misreads get what a user expects', () => {
  // indexed-5x3 is 3 pixels tall: the reference reads its 3x5x3 array as channels-first. Retina
  // reads layouts explicitly, so it must equal the same pixels given as explicit RGB.
  it.each(['bit-default', 'vit-hybrid-default', 'beit-default'])('%s: a 3-pixel-tall palette image', async (config) => {
    const processor = processorFor(config);
    const fromPng = await processor.preprocess(pngOf('indexed-5x3'));
    const fromRgb = await processor.preprocess(referenceRgb(images.get('indexed-5x3')!));
    expect(fromPng.pixelValues.data).toEqual(fromRgb.pixelValues.data);
  });

  const failures = cases.filter((c) => c.error);
  it.each(failures.map((c) => [`${c.config} / ${c.image} (reference: ${c.error!.message})`, c] as const))('%s', async (_n, c) => {
    const processor = processorFor(c.config);
    const entry = images.get(c.image)!;
    const { pixelValues } = await processor.preprocess(pngOf(c.image));
    const fromRgb = await processor.preprocess(referenceRgb(entry));
    expect(pixelValues.data).toEqual(fromRgb.pixelValues.data);
  });

  // The reference reads a 1-pixel-tall image as channels-first and fails. Retina reads it as an
  // image; Pillow's separable resize treats both axes alike, so coffee-1x64's pixels laid out as
  // one row must give the transpose of the reference's coffee-1x64 pixel_values.
  const tallCases = cases.filter((c) => c.image === 'coffee-1x64' && c.pixel_values);
  it.each(tallCases.map((c) => [c.config, c] as const))('%s: a 1-pixel-tall image is the transposed 1-pixel-wide one', async (_n, c) => {
    const column = images.get('coffee-1x64')!;
    const row = { data: readBin(column.raw, '') as Uint8Array, width: column.height, height: 1, channels: 3 as const };
    const { pixelValues } = await processorFor(c.config).preprocess(row);
    const expected = readBin(c.pixel_values!, '') as Float32Array;
    const [, , h, w] = c.pixel_values!.shape as [number, number, number, number];
    const transposed = new Float32Array(expected.length);
    for (let ch = 0; ch < 3; ch++) {
      for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) transposed[ch * h * w + x * h + y] = expected[ch * h * w + y * w + x]!;
    }
    expect(maxAbsDiff(pixelValues.data, transposed)).toBe(0);
  });

  it('BEiT converts L, P, LA and RGBA like BiT does (same pixels as the reference RGB conversion)', async () => {
    const beit = processorFor('beit-default');
    for (const id of ['camera', 'green-palette', 'camera-la', 'chelsea-rgba']) {
      const a = await beit.preprocess(pngOf(id));
      const b = await beit.preprocess(referenceRgb(images.get(id)!));
      expect(a.pixelValues.data, id).toEqual(b.pixelValues.data);
    }
  });
});

describe('BeitImageProcessor label maps', () => {
  const maps = new Map((index.segmentation.maps as Array<{ id: string; png: string }>).map((m) => [m.id, m]));
  const segCases = index.segmentation.cases as Array<{
    config: string;
    images: string[];
    segmentation_maps: string[];
    do_reduce_labels: boolean;
    pixel_values: BinDescriptor[];
    labels: BinDescriptor[];
  }>;

  it.each(segCases.map((c) => [`${c.config}, reduce ${c.do_reduce_labels}, ${c.images.join('+')}`, c] as const))('%s', async (_name, c) => {
    const processor = processorFor(c.config) as BeitImageProcessor;
    const out = await processor.preprocess(c.images.map(pngOf), {
      segmentationMaps: c.segmentation_maps.map((id) => readBytes(maps.get(id)!.png)),
      doReduceLabels: c.do_reduce_labels,
    });
    expect(out.labels!.dtype).toBe('int64');
    const [n, h, w] = out.labels!.dims as [number, number, number];
    expect(n).toBe(c.images.length);
    c.labels.forEach((desc, i) => {
      expect([h, w]).toEqual(desc.shape);
      const expected = readBin(desc, '') as Uint8Array;
      const actual = Array.from(out.labels!.data.subarray(i * h * w, (i + 1) * h * w), Number);
      expect(actual).toEqual(Array.from(expected));
    });
    c.pixel_values.forEach((desc, i) => {
      const plane = desc.shape.slice(1).reduce((a, b) => a * b, 1);
      const expected = readBin(desc, '') as Float32Array;
      expect(maxAbsDiff(out.pixelValues.data.subarray(i * plane, (i + 1) * plane), expected)).toBe(0);
    });
  });
});
