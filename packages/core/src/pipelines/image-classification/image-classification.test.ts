import { describe, expect, it } from 'vitest';
import { fixturePath, readBytes, readJson } from '../../testing/fixtures.js';
import { goldenTensor, readGolden } from '../../testing/model-fixtures.js';
import { pipeline } from '../pipeline.js';

const photo = (id: string) => readBytes('images', `${id}.png`);

describe.each(['beit-cls', 'bit-preact-cls', 'vit-hybrid-cls', 'dit-cls', 'data2vec-vision-cls'])('image-classification on %s', (name) => {
  const golden = readGolden(name);
  const pipelineCase = golden.cases.find((c) => c.name === 'pipeline')!;
  const logits = goldenTensor(name, pipelineCase.outputs.logits!);
  const id2label: Record<string, string> = readJson('models', name, 'config.json').id2label;

  /** The reference's softmax over the golden logits, best first. */
  function expectedRanking(row: number) {
    const n = logits.dims[1]!;
    const values = Array.from(logits.data.subarray(row * n, (row + 1) * n) as Float32Array);
    const exps = values.map((v) => Math.exp(v - Math.max(...values)));
    const sum = exps.reduce((a, b) => a + b, 0);
    return exps.map((e, id) => ({ label: id2label[id]!, score: e / sum })).sort((a, b) => b.score - a.score);
  }

  it('labels the fixture photos as the reference model does, image in, labels out', async () => {
    const classify = await pipeline('image-classification', fixturePath('models', name), { device: 'cpu', numThreads: 1 });
    try {
      const results = await classify([photo('chelsea'), photo('coffee')], { topK: 3 });
      results.forEach((result, row) => {
        const expected = expectedRanking(row).slice(0, 3);
        expect(result.map((r) => r.label)).toEqual(expected.map((r) => r.label));
        result.forEach((r, i) => expect(r.score).toBeCloseTo(expected[i]!.score, 4));
      });
      const single = await classify(photo('chelsea'));
      expect(single.length).toBe(Math.min(5, logits.dims[1]!));
      expect(single[0]!.label).toBe(expectedRanking(0)[0]!.label);
      expect(classify.backend.runtime).toBe('onnxruntime-node');
    } finally {
      await classify.close();
    }
  });
});

describe('pipeline errors', () => {
  it('rejects an unknown task, a bad topK and a model of another task, and works afterwards', async () => {
    // @ts-expect-error — not a task
    await expect(pipeline('object-detection', fixturePath('models', 'beit-cls'))).rejects.toThrow(
      /Unknown pipeline task "object-detection"/,
    );
    await expect(pipeline('image-classification', fixturePath('models', 'beit-seg'), { device: 'cpu' })).rejects.toThrow(
      /BeitForSemanticSegmentation/,
    );
    const classify = await pipeline('image-classification', fixturePath('models', 'beit-cls'), { device: 'cpu', numThreads: 1 });
    try {
      await expect(classify(photo('chelsea'), { topK: 0 })).rejects.toThrow(/topK must be a positive integer/);
      await expect(classify(readBytes('README.md'))).rejects.toThrow(/not recognised|UNSUPPORTED|format/i);
      expect(await classify(photo('coffee'), { topK: 1 })).toHaveLength(1);
    } finally {
      await classify.close();
    }
  });
});
