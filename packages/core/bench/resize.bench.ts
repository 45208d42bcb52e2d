// Benchmark of resize on a phone-camera-sized image. Run: npx tsx packages/core/bench/resize.bench.ts
// Reference: Pillow 9.4's C bicubic resize of a 4032x3024 RGB image to 298x224 (~65-80 ms here).
import { performance } from 'node:perf_hooks';
import type { ChannelCount, RawImage } from '../src/image/raw-image.js';
import { Resample, resize, setResampleWasmEnabled, type ResampleFilter } from '../src/image/resample/index.js';

const WARMUP_RUNS = 3;
const TIMED_RUNS = 9;

/** Deterministic photo-like content: a gradient plus seeded noise (xorshift32). */
function syntheticImage(width: number, height: number, channels: ChannelCount): RawImage {
  const data = new Uint8Array(width * height * channels);
  let state = 0x9e3779b9;
  for (let y = 0, p = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      for (let c = 0; c < channels; c++, p++) {
        state ^= state << 13;
        state ^= state >>> 17;
        state ^= state << 5;
        data[p] = ((x * (c + 1)) / 16 + y / 8 + (state & 31)) & 255;
      }
    }
  }
  return { data, width, height, channels };
}

function medianMs(run: () => void): number {
  for (let i = 0; i < WARMUP_RUNS; i++) run();
  const times: number[] = [];
  for (let i = 0; i < TIMED_RUNS; i++) {
    const start = performance.now();
    run();
    times.push(performance.now() - start);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)]!;
}

interface Case {
  name: string;
  image: RawImage;
  width: number;
  height: number;
  filter: ResampleFilter;
  bands: ChannelCount;
}

const rgba = syntheticImage(4032, 3024, 4);
const rgb = syntheticImage(4032, 3024, 3);
const gray = syntheticImage(4032, 3024, 1);
const cases: Case[] = [
  { name: '4032x3024 RGBA bands 3 -> 298x224 BICUBIC', image: rgba, width: 298, height: 224, filter: Resample.BICUBIC, bands: 3 },
  { name: '4032x3024 RGBA bands 3 -> 640x640 BICUBIC', image: rgba, width: 640, height: 640, filter: Resample.BICUBIC, bands: 3 },
  { name: '4032x3024 RGB -> 298x224 BICUBIC', image: rgb, width: 298, height: 224, filter: Resample.BICUBIC, bands: 3 },
  { name: '4032x3024 RGB -> 640x640 BICUBIC', image: rgb, width: 640, height: 640, filter: Resample.BICUBIC, bands: 3 },
  { name: '4032x3024 RGB -> 298x224 BILINEAR', image: rgb, width: 298, height: 224, filter: Resample.BILINEAR, bands: 3 },
  { name: '4032x3024 RGB -> 298x224 NEAREST', image: rgb, width: 298, height: 224, filter: Resample.NEAREST, bands: 3 },
  { name: '4032x3024 L -> 298x224 BICUBIC', image: gray, width: 298, height: 224, filter: Resample.BICUBIC, bands: 1 },
  { name: '4032x3024 RGBA (premultiplied) -> 298x224 BICUBIC', image: rgba, width: 298, height: 224, filter: Resample.BICUBIC, bands: 4 },
  {
    name: '640x480 RGB -> 224x224 BICUBIC (upscale 1 axis)',
    image: syntheticImage(640, 480, 3),
    width: 224,
    height: 224,
    filter: Resample.BICUBIC,
    bands: 3,
  },
];

const kernels = [
  ['WebAssembly SIMD', true],
  ['portable TypeScript fallback', false],
] as const;
for (const [kernelName, wasm] of kernels) {
  if (setResampleWasmEnabled(wasm) !== wasm) continue;
  console.log(`${kernelName} kernel:`);
  for (const c of wasm ? cases : cases.slice(0, 1)) {
    const ms = medianMs(() => resize(c.image, c.width, c.height, c.filter, { bands: c.bands }));
    console.log(`  ${c.name.padEnd(52)} ${ms.toFixed(1).padStart(7)} ms (median of ${TIMED_RUNS})`);
  }
}
setResampleWasmEnabled(true);
