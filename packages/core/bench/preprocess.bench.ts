// pnpm bench:preprocess — ms per image to preprocess a 4032x3024 RGBA photo in Node.
// Reference point on the project machine: Pillow's C bicubic resize of 4032x3024 to 298x224 ≈ 65 ms.
import { readFileSync } from 'node:fs';
import { BeitImageProcessor } from '../src/models/beit/image-processing-beit.js';
import { BitImageProcessor } from '../src/models/bit/image-processing-bit.js';
import type { RawImage } from '../src/image/raw-image.js';
import { postProcessSemanticSegmentation } from '../src/processors/semantic-segmentation.js';
import { Tensor } from '../src/tensor.js';

const WIDTH = 4032;
const HEIGHT = 3024;
const RUNS = 15;

/** A deterministic photo-like RGBA image: smooth gradients with seeded noise, opaque. */
function syntheticPhoto(): RawImage {
  const data = new Uint8Array(WIDTH * HEIGHT * 4);
  let seed = 1234567;
  for (let y = 0; y < HEIGHT; y++) {
    for (let x = 0; x < WIDTH; x++) {
      seed = (seed * 1103515245 + 12345) >>> 0;
      const noise = (seed >>> 24) & 31;
      const i = (y * WIDTH + x) * 4;
      data[i] = ((x * 255) / WIDTH + noise) & 255;
      data[i + 1] = ((y * 255) / HEIGHT + noise) & 255;
      data[i + 2] = (((x + y) * 127) / WIDTH + noise) & 255;
      data[i + 3] = 255;
    }
  }
  return { data, width: WIDTH, height: HEIGHT, channels: 4 };
}

function fixtureConfig(id: string): Record<string, unknown> {
  const url = new URL(`../../../../shared/fixtures/processors/${id}/preprocessor_config.json`, import.meta.url);
  return JSON.parse(readFileSync(url, 'utf8')) as Record<string, unknown>;
}

async function measure(name: string, run: () => unknown): Promise<void> {
  await run();
  const times: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const start = performance.now();
    await run();
    times.push(performance.now() - start);
  }
  times.sort((a, b) => a - b);
  const median = times[Math.floor(times.length / 2)]!;
  console.log(`${name.padEnd(44)} median ${median.toFixed(1)} ms   min ${times[0]!.toFixed(1)} ms   (${RUNS} runs)`);
}

const photo = syntheticPhoto();
console.log(`Preprocessing a ${WIDTH}x${HEIGHT} RGBA photo (decoded pixels) in Node ${process.version}`);
const bit = new BitImageProcessor(fixtureConfig('bit-default'));
const beitAde = new BeitImageProcessor(fixtureConfig('beit-ade-640'));
await measure('BiT 224 (shortest edge 224, bicubic, crop)', () => bit.preprocess(photo));
await measure('BEiT-ADE 640x640 (bicubic, no crop)', () => beitAde.preprocess(photo));

/** BEiT-ADE-like logits: 150 classes at 160x160 with smooth regions, seeded. */
function segmentationLogits(): Tensor<'float32'> {
  const [classes, size] = [150, 160];
  const data = new Float32Array(classes * size * size);
  for (let c = 0; c < classes; c++) {
    const cx = (c * 37) % size;
    const cy = (c * 91) % size;
    for (let y = 0; y < size; y++) {
      for (let x = 0; x < size; x++) data[(c * size + y) * size + x] = -Math.hypot(x - cx, y - cy) / 8 + Math.sin(x * 0.3 + c) * 0.05;
    }
  }
  return new Tensor('float32', data, [1, classes, size, size]);
}
const logits = segmentationLogits();
await measure(`Post-process 150x160x160 logits to ${WIDTH}x${HEIGHT}`, () => postProcessSemanticSegmentation(logits, [[HEIGHT, WIDTH]]));
