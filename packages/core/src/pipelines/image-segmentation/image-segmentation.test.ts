import { afterEach, describe, expect, it, vi } from 'vitest';
import { fixturePath, readBin, readBytes, readJson, type BinDescriptor } from '../../testing/fixtures.js';
import { goldenTensor, readGolden } from '../../testing/model-fixtures.js';
import type { Tensor } from '../../tensor.js';
import { pipeline } from '../pipeline.js';

/** Opaque gray pixels of a size; the processor is stubbed, so only the size reaches the output. */
const blank = (height: number, width: number) => ({ data: new Uint8Array(height * width * 3), width, height, channels: 3 as const });

afterEach(() => {
  vi.restoreAllMocks();
});

// BEiT's segmentation head, and data2vec-vision's (the same code on another encoder prefix).
describe.each(['beit-seg', 'data2vec-vision-seg'])('image-segmentation on %s', (model) => {
  const nativeCase = readGolden(model).cases.find((c) => c.name === 'native')!;
  const postprocessed = readJson('models', model, 'golden', 'golden.json').post_process_semantic_segmentation as Array<{
    target_sizes: Array<[number, number]> | null;
    maps: Array<BinDescriptor & { 'pixels_with_margin_below_1e-4': number }>;
  }>;
  const id2label: Record<string, string> = readJson('models', model, 'config.json').id2label;

  // Images of the reference's target sizes whose pixel_values are the golden native ones, so the
  // pipeline's model run and post-processing meet the reference's post_process_semantic_segmentation
  // maps (target_sizes null is the logits' own 24x24, which bilinear resizing to 24x24 leaves as is).
  it.each(postprocessed.map((entry) => [JSON.stringify(entry.target_sizes), entry] as const))(
    'gives the reference label maps for the golden pixel_values at target sizes %s',
    async (_, entry) => {
      const segment = await pipeline('image-segmentation', fixturePath('models', model), { device: 'cpu', numThreads: 1 });
      try {
        const sizes = entry.target_sizes ?? entry.maps.map((map) => map.shape as [number, number]);
        const pixelValues = goldenTensor(model, nativeCase.inputs.pixel_values!) as Tensor<'float32'>;
        vi.spyOn(segment.processor, 'preprocess').mockResolvedValue({ pixelValues, originalSizes: sizes });
        const results = await segment(sizes.map(([height, width]) => blank(height, width)));
        entry.maps.forEach((desc, i) => {
          const expected = readBin(desc, 'models', model, 'golden') as Int32Array;
          const { labelMap } = results[i]!;
          expect([labelMap.height, labelMap.width]).toEqual(desc.shape);
          let mismatches = 0;
          for (let p = 0; p < expected.length; p++) if (expected[p] !== labelMap.data[p]) mismatches++;
          // Measured on onnxruntime-node (CPU): 0 here, also where the fixture lists near-tie pixels.
          expect(mismatches, desc.file).toBe(0);
        });
      } finally {
        await segment.close();
      }
    },
  );

  it('gives a label map at each photo size, and one 0/255 mask per present class', async () => {
    const segment = await pipeline('image-segmentation', fixturePath('models', model), { device: 'cpu', numThreads: 1 });
    try {
      const results = await segment([readBytes('images', 'chelsea.png'), readBytes('images', 'coffee.png')]);
      expect(results.map(({ labelMap }) => [labelMap.width, labelMap.height])).toEqual([
        [451, 300],
        [600, 400],
      ]);
      for (const result of results) {
        const present = [...new Set(result.labelMap.data)].sort((a, b) => a - b);
        expect(result.segments.map((s) => s.label)).toEqual(present.map((id) => id2label[id]));
        for (const [k, segment] of result.segments.entries()) {
          expect(segment.score).toBeNull();
          let wrong = 0;
          segment.mask.data.forEach((v, p) => (wrong += v === (result.labelMap.data[p] === present[k] ? 255 : 0) ? 0 : 1));
          expect(wrong).toBe(0);
        }
      }
    } finally {
      await segment.close();
    }
  });
});
