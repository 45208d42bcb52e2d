import { describe, expect, it } from 'vitest';
import { AutoModelForImageClassification } from '../models/auto/modeling-auto.js';
import { fixturePath, readBytes } from '../testing/fixtures.js';
import { pipeline } from './pipeline.js';

const MODEL = fixturePath('models', 'bit-preact-cls');
const CPU = { device: 'cpu', numThreads: 1 } as const;

describe('await using', () => {
  it('closes a pipeline when its block ends', async () => {
    let escaped;
    {
      await using classify = await pipeline('image-classification', MODEL, CPU);
      escaped = classify;
      await expect(classify(readBytes('images', 'chelsea.png'), { topK: 1 })).resolves.toHaveLength(1);
    }
    await expect(escaped(readBytes('images', 'chelsea.png'))).rejects.toThrow(/disposed; load the model again/);
  });

  it('disposes a model when its block ends, also when the block throws', async () => {
    let escaped;
    await expect(
      (async () => {
        await using model = await AutoModelForImageClassification.fromPretrained(MODEL, CPU);
        escaped = model;
        throw new Error('the block failed');
      })(),
    ).rejects.toThrow('the block failed');
    expect(() => escaped!.session).toThrow(/disposed; load the model again/);
  });

  it('disposes a session when its block ends, with dispose() the one verb of pipelines, models and sessions', async () => {
    const classify = await pipeline('image-classification', MODEL, CPU);
    expect(classify.close).toBe(classify.dispose);
    const model = await AutoModelForImageClassification.fromPretrained(MODEL, CPU);
    let escaped;
    {
      await using session = model.session;
      escaped = session;
    }
    await expect(escaped.run({})).rejects.toThrow(/session was disposed; load the model again/);
    await Promise.all([classify.dispose(), model.dispose()]);
    await expect(classify(readBytes('images', 'chelsea.png'))).rejects.toThrow(/disposed; load the model again/);
  });
});
