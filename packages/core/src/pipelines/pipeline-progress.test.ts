import { statSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { FileProgress } from '../hub/index.js';
import { fixturePath } from '../testing/fixtures.js';
import { pipeline } from './pipeline.js';

describe('pipeline progress', () => {
  it('reports every file the load reads, in order, each up to its full size', async () => {
    const folder = fixturePath('models', 'beit-cls');
    const events: FileProgress[] = [];
    const classify = await pipeline('image-classification', folder, {
      device: 'wasm',
      numThreads: 1,
      onProgress: (event) => events.push(event),
    });
    await classify.close();

    const files = ['preprocessor_config.json', 'config.json', 'onnx/model.onnx'];
    expect([...new Set(events.map((event) => event.file))]).toEqual(files);
    for (const file of files) {
      const size = statSync(`${folder}/${file}`).size;
      expect(events.filter((event) => event.file === file).at(-1)).toEqual({ file, loaded: size, total: size });
    }
  });
});
