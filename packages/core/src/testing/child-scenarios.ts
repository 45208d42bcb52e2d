// Test-only: what measure-child.ts can run in a child process, each from files a test wrote.
import { readFileSync } from 'node:fs';
import { openModelRepo } from '../hub/open-model-repo.js';
import { loadImage } from '../image/load-image.js';
import { AutoModel } from '../models/auto/modeling-auto.js';
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
  /** Reads `file` of the repo at `base` (uncached) with maxFileBytes `max`: its length. */
  async readRepoFile([base, file, max]: readonly string[]) {
    return (await openModelRepo(base!, { useBrowserCache: false, maxFileBytes: Number(max) }).bytes(file!)).length;
  },
  /** Builds the graph of a checkpoint folder and creates its onnxruntime-node session (one thread): the architecture. */
  async buildModel([folder]: readonly string[]) {
    const model = await AutoModel.fromPretrained(folder!, { device: 'cpu', source: 'weights', numThreads: 1 });
    await model.dispose();
    return model.architecture;
  },
} satisfies Record<string, (args: readonly string[]) => Promise<unknown>>;

export type ScenarioName = keyof typeof scenarios;
