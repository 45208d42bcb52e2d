import { readFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { RetinaError } from '../../errors.js';
import { countMismatches, imageIndex, readBin, readJson, type BinDescriptor, type ImageEntry } from '../../testing/fixtures.js';
import type { ChannelCount, RawImage } from '../raw-image.js';
import { parseResample, Resample, resize, setResampleWasmEnabled, type ResampleFilter } from './index.js';
import { wasmKernel } from './wasm-instance.js';

const images = new Map(imageIndex().map((entry) => [entry.id, entry]));
const CHANNELS: Record<ImageEntry['mode'], ChannelCount> = { L: 1, LA: 2, RGB: 3, RGBA: 4, P: 1 };

function fixtureImage(id: string): RawImage {
  const entry = images.get(id)!;
  return { data: readBin(entry.raw) as Uint8Array, width: entry.width, height: entry.height, channels: CHANNELS[entry.mode] };
}

/** Gray to RGB by replication, as Pillow's convert("RGB") does for L. */
function grayToRgb(image: RawImage): RawImage {
  const data = new Uint8Array(image.data.length * 3);
  image.data.forEach((value, i) => data.fill(value, i * 3, i * 3 + 3));
  return { ...image, data, channels: 3 };
}

interface ResizedCase {
  config: string;
  image: string;
  resized: BinDescriptor;
}

interface GoldenCase {
  name: string;
  image: string;
  bands: ChannelCount;
  width: number;
  height: number;
  filter: ResampleFilter;
  filter_name: string;
  file: string;
  shape: number[];
}

const processors = readJson<{ configs: Record<string, { preprocessor_config: string }>; resized: ResizedCase[] }>(
  'processors',
  'index.json',
);
const golden = JSON.parse(readFileSync(new URL('./__golden__/index.json', import.meta.url), 'utf8')) as {
  pillow_version: string;
  cases: GoldenCase[];
};
const goldenBytes = (file: string): Uint8Array => new Uint8Array(readFileSync(new URL(`./__golden__/${file}`, import.meta.url)));

function configResample(config: string): ResampleFilter {
  const preprocessor = readJson<{ resample: unknown }>(processors.configs[config]!.preprocessor_config);
  return parseResample(preprocessor.resample);
}

afterAll(() => {
  setResampleWasmEnabled(true);
});

it('runs the WebAssembly SIMD kernel under Node (so both paths below are really tested)', () => {
  expect(setResampleWasmEnabled(true)).toBe(true);
});

describe.each([
  ['WebAssembly SIMD', true],
  ['portable TypeScript', false],
])('resize with the %s kernel', (_name, wasm) => {
  const useKernel = () => expect(setResampleWasmEnabled(wasm)).toBe(wasm);

  describe('reproduces the processors fixtures (Transformers 4.37 + Pillow 9.4) bit for bit', () => {
    it.each(processors.resized.map((c) => [`${c.config} / ${c.image}`, c] as const))('%s', (_label, c) => {
      useKernel();
      const [height, width] = c.resized.shape as [number, number, number];
      const filter = configResample(c.config);
      const expected = readBin(c.resized);
      const image = fixtureImage(c.image);
      const rgb = image.channels === 1 ? grayToRgb(image) : image;
      expect(countMismatches(resize(rgb, width, height, filter).data, expected)).toBe(0);
      if (image.channels === 1) {
        // The reference replicated the gray channel first; resizing the single band must agree.
        const gray = resize(image, width, height, filter);
        expect(gray.channels).toBe(1);
        expect(countMismatches(grayToRgb(gray).data, expected)).toBe(0);
      }
    });
  });

  describe(`matches Pillow ${golden.pillow_version} outputs for every filter (__golden__)`, () => {
    it.each(golden.cases.map((c) => [`${c.name} ${c.filter_name}`, c] as const))('%s', (_label, c) => {
      useKernel();
      const result = resize(fixtureImage(c.image), c.width, c.height, c.filter, { bands: c.bands });
      expect([result.width, result.height, result.channels]).toEqual([c.width, c.height, c.bands]);
      expect(countMismatches(result.data, goldenBytes(c.file))).toBe(0);
    });
  });
});

describe('resize', () => {
  const chelseaSmall = fixtureImage('chelsea-small');

  it('with bands 3 on RGBA equals resizing the RGB image (alpha dropped, not premultiplied)', () => {
    const rgba = fixtureImage('chelsea-rgba');
    const rgb = fixtureImage('chelsea');
    for (const filter of [Resample.BICUBIC, Resample.NEAREST]) {
      const fromRgba = resize(rgba, 97, 61, filter, { bands: 3 });
      expect(fromRgba.channels).toBe(3);
      expect(countMismatches(fromRgba.data, resize(rgb, 97, 61, filter).data)).toBe(0);
    }
  });

  it('accepts Uint8ClampedArray pixels and leaves the input untouched', () => {
    const before = chelseaSmall.data.slice();
    const clamped = { ...chelseaSmall, data: new Uint8ClampedArray(chelseaSmall.data) };
    const expected = resize(chelseaSmall, 37, 23, Resample.BICUBIC).data;
    expect(countMismatches(resize(clamped, 37, 23, Resample.BICUBIC).data, expected)).toBe(0);
    expect(countMismatches(chelseaSmall.data, before)).toBe(0);
  });

  it('returns a copy at the same size, keeping the requested bands', () => {
    const same = resize(chelseaSmall, chelseaSmall.width, chelseaSmall.height, Resample.LANCZOS);
    expect(same.data).not.toBe(chelseaSmall.data);
    expect(countMismatches(same.data, chelseaSmall.data)).toBe(0);
    const red = resize(chelseaSmall, chelseaSmall.width, chelseaSmall.height, Resample.BILINEAR, { bands: 1 });
    expect(red.data[1]).toBe(chelseaSmall.data[3]);
  });

  it.each([
    ['width 0', 0, 10, /width must be a positive integer, got 0/],
    ['negative height', 10, -3, /height must be a positive integer, got -3/],
    ['fractional width', 10.5, 10, /width must be a positive integer, got 10\.5/],
    ['NaN height', 10, Number.NaN, /height must be a positive integer, got NaN/],
  ])('rejects %s with INVALID_ARGUMENT', (_label, width, height, message) => {
    expect(() => resize(chelseaSmall, width, height, Resample.BICUBIC)).toThrow(message);
    expect(() => resize(chelseaSmall, width, height, Resample.BICUBIC)).toThrow(
      expect.objectContaining({ name: 'RetinaError', code: 'INVALID_ARGUMENT' }),
    );
  });

  it('rejects an unknown filter code, naming the valid ones', () => {
    expect(() => resize(chelseaSmall, 10, 10, 6 as ResampleFilter)).toThrow(
      expect.objectContaining({ code: 'INVALID_ARGUMENT', message: expect.stringMatching(/filter 6 .*3 \(BICUBIC\)/) }),
    );
  });

  it('rejects more bands than the image has, and data of the wrong length', () => {
    expect(() => resize(chelseaSmall, 10, 10, Resample.BOX, { bands: 4 })).toThrow(/bands must be an integer from 1 to the image's 3/);
    const short = { ...chelseaSmall, data: chelseaSmall.data.subarray(1) };
    expect(() => resize(short, 10, 10, Resample.BOX)).toThrow(RetinaError);
  });
});

describe('parseResample', () => {
  it('accepts the six Pillow codes', () => {
    expect([0, 1, 2, 3, 4, 5].map((code) => parseResample(code))).toEqual([
      Resample.NEAREST,
      Resample.LANCZOS,
      Resample.BILINEAR,
      Resample.BICUBIC,
      Resample.BOX,
      Resample.HAMMING,
    ]);
  });

  it.each([[6], [-1], [2.5], ['3'], [null], [undefined], [Number.NaN]])('rejects %j with INVALID_CONFIG', (value) => {
    let error: unknown;
    try {
      parseResample(value, 'resample');
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(RetinaError);
    expect((error as RetinaError).code).toBe('INVALID_CONFIG');
    expect((error as RetinaError).message).toMatch(
      /"resample" is .*0 \(NEAREST\), 1 \(LANCZOS\), 2 \(BILINEAR\), 3 \(BICUBIC\), 4 \(BOX\), 5 \(HAMMING\)/,
    );
  });

  it('names the key it was given', () => {
    expect(() => parseResample('bicubic', 'image_processor.resample')).toThrow(/"image_processor\.resample" is "bicubic"/);
  });
});

describe('resize limits', () => {
  const small: RawImage = { data: Uint8Array.from({ length: 4 * 3 * 3 }, (_, i) => (i * 37) % 256), width: 4, height: 3, channels: 3 };

  it.each([
    ['a target of more than 2^26 pixels', 8193, 8192, /resize of 4x3 to 8193x8192 needs 67117056 pixels, more than the limit of 67108864/],
    ['an intermediate of more than 2^26 pixels', 2 ** 25, 1, /needs an intermediate of 3x33554432 pixels/],
  ])('refuses %s with a RetinaError, before allocating', (_, width, height, message) => {
    for (const wasm of [true, false]) {
      setResampleWasmEnabled(wasm);
      const started = performance.now();
      const refused = expect.objectContaining({ code: 'INVALID_ARGUMENT', message: expect.stringMatching(message) });
      expect(() => resize(small, width, height, Resample.BILINEAR)).toThrow(refused);
      expect(performance.now() - started).toBeLessThan(50);
    }
    setResampleWasmEnabled(true);
  });

  it('gives back the WebAssembly memory of a large resize afterwards', () => {
    expect(setResampleWasmEnabled(true)).toBe(true);
    const large = resize(small, 4096, 4096, Resample.BILINEAR);
    expect(large.data.length).toBe(4096 * 4096 * 3);
    // The call needed over 48 MiB of kernel memory; what is kept for the next call is a fresh instance's.
    expect(wasmKernel()!.memory.buffer.byteLength).toBeLessThan(2 ** 20);
    setResampleWasmEnabled(false);
    const portable = resize(small, 300, 200, Resample.BICUBIC);
    setResampleWasmEnabled(true);
    expect(resize(small, 300, 200, Resample.BICUBIC)).toEqual(portable);
  });
});
