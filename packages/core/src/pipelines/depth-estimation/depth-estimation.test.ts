// The depth-estimation pipeline on the DPT fixtures' photos against the reference pipeline's post-processed maps
// (post_process_depth_estimation): decode, preprocess, model and bicubic resize, end to end.
import { readFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { fixturePath, readBin, readBytes, type BinDescriptor } from '../../testing/fixtures.js';
import { compareToGolden, readGolden } from '../../testing/model-fixtures.js';
import { pipeline } from '../pipeline.js';

interface DepthPostProcessing {
  images: string[];
  maps: {
    depth: BinDescriptor;
    depth_uint8: BinDescriptor;
    wrapped_pixels: number;
    'pixels_with_step_margin_below_1e-4': number;
  }[];
}

const figures: Record<string, Record<string, string | number>> = {};
afterAll(() => {
  console.log('depth-estimation pipeline against the reference pipeline (onnxruntime-node):');
  console.table(figures);
});

describe('depth-estimation', () => {
  it.each(['dpt-hybrid-depth', 'dpt-beit-depth'])(
    '%s gives the reference maps at each photo size; the 8-bit image differs only where the reference wraps or the float margin allows',
    async (model) => {
      const golden = readGolden(model) as ReturnType<typeof readGolden> & { post_process_depth_estimation: DepthPostProcessing[] };
      const { images, maps } = golden.post_process_depth_estimation[0]!;
      const estimate = await pipeline('depth-estimation', fixturePath('models', model), { device: 'cpu', numThreads: 1 });
      try {
        expect(estimate.task).toBe('depth-estimation');
        const results = await estimate(images.map((image) => readBytes('images', `${image}.png`)));
        maps.forEach((entry, b) => {
          const where = `${model} ${images[b]}`;
          const { predictedDepth, depth } = results[b]!;
          expect([predictedDepth.height, predictedDepth.width], where).toEqual(entry.depth.shape);
          expect([depth.height, depth.width], where).toEqual(entry.depth.shape);
          const { maxAbsDiff, violations } = compareToGolden(
            predictedDepth.data,
            readBin(entry.depth, 'models', model, 'golden'),
            golden.tolerance,
          );
          expect(violations, `${where}: max |diff| ${maxAbsDiff}`).toBe(0);
          const expected = readBin(entry.depth_uint8, 'models', model, 'golden') as Uint8Array;
          let clamped = 0;
          let differing = 0;
          for (let i = 0; i < expected.length; i++) {
            if (depth.data[i] === expected[i]) continue;
            differing++;
            if (depth.data[i] === 0 && expected[i]! >= 128) clamped++;
          }
          const margin = entry['pixels_with_step_margin_below_1e-4'];
          expect(Math.abs(clamped - entry.wrapped_pixels), `${where}: clamped pixels`).toBeLessThanOrEqual(margin);
          expect(differing - clamped, `${where}: other differing bytes`).toBeLessThanOrEqual(margin);
          figures[where] = {
            'max |depth diff|': maxAbsDiff.toExponential(2),
            'clamped (reference wraps)': clamped,
            wrapped_pixels: entry.wrapped_pixels,
            'other bytes differing': differing - clamped,
            'margin count (1e-4)': margin,
          };
        });
        // One image gives one result.
        const single = await estimate(readBytes('images', `${images[0]}.png`));
        expect(single.depth.data).toEqual(results[0]!.depth.data);
      } finally {
        await estimate.close();
      }
    },
  );

  it("runs the README's depth snippet as printed (its hub id served by the dpt-hybrid-depth fixture)", async () => {
    const readme = readFileSync(new URL('../../../../../README.md', import.meta.url), 'utf8');
    const section = readme.slice(readme.indexOf('**Depth estimation**'));
    const snippet = /```ts\n([\s\S]*?)```/.exec(section)![1]!;
    const body = snippet.replace("import { pipeline } from '@retina/core';", '');
    expect(body).not.toMatch(/import/);
    const fixturePipeline = ((task: 'depth-estimation', id: string) =>
      pipeline(task, id === 'Intel/dpt-hybrid-midas' ? fixturePath('models', 'dpt-hybrid-depth') : id, {
        device: 'cpu',
        numThreads: 1,
      })) as typeof pipeline;
    const AsyncFunction = Object.getPrototypeOf(async () => {}).constructor as new (
      ...args: string[]
    ) => (...values: unknown[]) => Promise<{ predictedDepth: { width: number }; depth: { height: number } }>;
    const run = new AsyncFunction('pipeline', 'image', `${body}\nreturn { predictedDepth, depth };`);
    const { predictedDepth, depth } = await run(fixturePipeline, readBytes('images', 'chelsea.png'));
    expect([predictedDepth.width, depth.height]).toEqual([451, 300]);
  });

  it('refuses a model that is not a depth estimator, naming the class to use', async () => {
    await expect(pipeline('depth-estimation', fixturePath('models', 'beit-seg'), { device: 'cpu' })).rejects.toThrow(
      expect.objectContaining({
        code: 'UNSUPPORTED_MODEL',
        message: expect.stringMatching(/AutoModelForDepthEstimation cannot build "beit"/),
      }),
    );
  });
});
