// Test-only: what measure-child.ts can run in a child process, each from files a test wrote.
import { readFileSync } from 'node:fs';
import { loadImage } from '../image/load-image.js';
import { parsePytorchBin } from '../weights/pytorch-bin.js';

export const scenarios = {
  /** Decodes an image file: its size, channels and first pixel. */
  async loadImage([path]: readonly string[]) {
    const image = await loadImage(path!);
    return { decodedBytes: image.data.length, channels: image.channels, firstPixel: Array.from(image.data.subarray(0, 4)) };
  },
  /** Reads a pytorch_model.bin: its tensor count. */
  parsePytorchBin([path]: readonly string[]) {
    return Promise.resolve(parsePytorchBin(readFileSync(path!)).tensors.size);
  },
} satisfies Record<string, (args: readonly string[]) => Promise<unknown>>;

export type ScenarioName = keyof typeof scenarios;
