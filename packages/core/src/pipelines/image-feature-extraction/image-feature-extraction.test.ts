import { describe, expect, it } from 'vitest';
import { fixturePath, readBytes } from '../../testing/fixtures.js';
import { compareToGolden, goldenTensor, readGolden } from '../../testing/model-fixtures.js';
import { pipeline } from '../pipeline.js';

describe.each(['beit-feature', 'vit-hybrid-feature'])('image-feature-extraction on %s', (name) => {
  const golden = readGolden(name);
  const expected = goldenTensor(name, golden.cases.find((c) => c.name === 'pipeline')!.outputs.last_hidden_state!);

  it('returns each photo’s last hidden state as the reference computes it', async () => {
    const extract = await pipeline('image-feature-extraction', fixturePath('models', name), { device: 'cpu', numThreads: 1 });
    try {
      const [chelsea, coffee] = await extract([readBytes('images', 'chelsea.png'), readBytes('images', 'coffee.png')]);
      expect(chelsea!.dims).toEqual(expected.dims.slice(1));
      const got = new Float32Array([...chelsea!.data, ...coffee!.data]);
      expect(compareToGolden(got, expected.data as Float32Array, golden.tolerance).violations).toBe(0);
      const pooled = await extract(readBytes('images', 'chelsea.png'), { pool: true });
      expect(pooled.dims.length).toBe(expected.dims.length - 2);
    } finally {
      await extract.close();
    }
  });
});

it('refuses a classification head for feature extraction', async () => {
  await expect(pipeline('image-feature-extraction', fixturePath('models', 'beit-cls'), { device: 'cpu' })).rejects.toThrow(
    /needs a base model .* BeitForImageClassification/,
  );
});
