// beit-seg loaded from config.json and model.safetensors alone (the graph built from the weights), through
// BeitImageProcessor.postProcessSemanticSegmentation, against the reference's label maps. The golden cases
// of every BEiT fixture built from weights run in models/golden-from-weights.test.ts.
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { postProcessSemanticSegmentation } from '../../processors/semantic-segmentation.js';
import { fixturePath, readBin, type BinDescriptor } from '../../testing/fixtures.js';
import { goldenTensor, readGolden } from '../../testing/model-fixtures.js';
import { AutoModelForSemanticSegmentation } from '../auto/modeling-auto.js';

interface PostProcessCase {
  target_sizes: [number, number][] | null;
  maps: (BinDescriptor & { 'pixels_with_margin_below_1e-4': number })[];
}

const folder = mkdtempSync(join(tmpdir(), 'retina-beit-seg-'));
for (const file of ['config.json', 'preprocessor_config.json', 'model.safetensors'])
  copyFileSync(fixturePath('models', 'beit-seg', file), join(folder, file));
afterAll(() => rmSync(folder, { recursive: true, force: true }));

describe.each(['cpu', 'wasm'] as const)('beit-seg built from weights on %s', (device) => {
  it('gives the reference post_process_semantic_segmentation maps', async () => {
    const model = await AutoModelForSemanticSegmentation.fromPretrained(folder, { device, numThreads: 1 });
    try {
      const golden = readGolden('beit-seg') as ReturnType<typeof readGolden> & { post_process_semantic_segmentation: PostProcessCase[] };
      const native = golden.cases.find((goldenCase) => goldenCase.name === 'native')!;
      const { logits } = await model.forward({ pixelValues: goldenTensor('beit-seg', native.inputs.pixel_values!) as never });
      for (const entry of golden.post_process_semantic_segmentation) {
        const maps = postProcessSemanticSegmentation(logits, entry.target_sizes ?? undefined);
        entry.maps.forEach((desc, i) => {
          const expected = readBin(desc, 'models', 'beit-seg', 'golden') as Int32Array;
          expect([maps[i]!.height, maps[i]!.width]).toEqual(desc.shape);
          const mismatches = expected.reduce((count, label, p) => count + (label === maps[i]!.data[p] ? 0 : 1), 0);
          // Pixels whose two best classes are closer than the model tolerance may go either way.
          expect(mismatches, desc.file).toBeLessThanOrEqual(desc['pixels_with_margin_below_1e-4']);
        });
      }
    } finally {
      await model.dispose();
    }
  });
});
