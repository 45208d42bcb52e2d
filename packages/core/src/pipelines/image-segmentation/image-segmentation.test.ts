import { describe, expect, it } from 'vitest';
import { postProcessSemanticSegmentation } from '../../processors/semantic-segmentation.js';
import { fixturePath, readBytes, readJson } from '../../testing/fixtures.js';
import { goldenTensor, readGolden } from '../../testing/model-fixtures.js';
import { pipeline } from '../pipeline.js';

describe('image-segmentation on beit-seg', () => {
  const golden = readGolden('beit-seg');
  const pipelineCase = golden.cases.find((c) => c.name === 'pipeline')!;
  const id2label: Record<string, string> = readJson('models', 'beit-seg', 'config.json').id2label;

  it('gives the label map of the golden logits at each photo size, and one 0/255 mask per present class', async () => {
    const segment = await pipeline('image-segmentation', fixturePath('models', 'beit-seg'), { device: 'cpu', numThreads: 1 });
    try {
      const results = await segment([readBytes('images', 'chelsea.png'), readBytes('images', 'coffee.png')]);
      // postProcessSemanticSegmentation itself is checked against the reference's maps.
      const expected = postProcessSemanticSegmentation(goldenTensor('beit-seg', pipelineCase.outputs.logits!) as never, [
        [300, 451],
        [400, 600],
      ]);
      results.forEach((result, i) => {
        const want = expected[i]!;
        expect([result.labelMap.width, result.labelMap.height]).toEqual([want.width, want.height]);
        let differ = 0;
        want.data.forEach((label, p) => (differ += label === result.labelMap.data[p] ? 0 : 1));
        expect(differ / want.data.length).toBeLessThan(1e-3);
        const present = [...new Set(result.labelMap.data)].sort((a, b) => a - b);
        expect(result.segments.map((s) => s.label)).toEqual(present.map((id) => id2label[id]));
        for (const [k, segment] of result.segments.entries()) {
          expect(segment.score).toBeNull();
          let wrong = 0;
          segment.mask.data.forEach((v, p) => (wrong += v === (result.labelMap.data[p] === present[k] ? 255 : 0) ? 0 : 1));
          expect(wrong).toBe(0);
        }
      });
    } finally {
      await segment.close();
    }
  });
});
