// The registry is the one place that knows the heads: the Auto classes and the graph builders follow from it.
import { describe, expect, it } from 'vitest';
import { fixtureRepo } from '../testing/model-fixtures.js';
import { readCheckpoint } from '../weights/index.js';
import { AutoConfig } from './auto/configuration-auto.js';
import { AUTO_MODEL_FOR_TASK, AutoModel, architecturesFor, modelClassOf } from './auto/modeling-auto.js';
import { MODEL_FAMILIES } from './model-families.js';

const heads = MODEL_FAMILIES.flatMap((family) =>
  family.modelClasses.map((modelClass) => [modelClass.architecture, family.modelType, modelClass] as const),
);

describe('the family registry', () => {
  it.each(heads)('%s is built by its task’s Auto class and by AutoModel', (architecture, modelType, modelClass) => {
    const config = AutoConfig.fromJson({ model_type: modelType, architectures: [architecture] });
    expect(modelClassOf(architecture)).toBe(modelClass);
    expect(AUTO_MODEL_FOR_TASK[modelClass.task].modelClassFor(config)).toBe(modelClass);
    expect(AUTO_MODEL_FOR_TASK[modelClass.task].architectures).toContain(architecture);
    expect(AutoModel.modelClassFor(config)).toBe(modelClass);
    expect(architecturesFor(modelClass.task)).toContain(architecture);
  });

  it('names each architecture once', () => {
    const names = heads.map(([architecture]) => architecture);
    expect(new Set(names).size).toBe(names.length);
  });
});

describe('graph builders', () => {
  // A head of a task the family's builder does not build: the same error from every family.
  it.each([
    ['bit-feature', 'masked-image-modeling', /BiT graphs for the tasks image-feature-extraction, image-classification, backbone/],
    ['vit-hybrid-cls', 'backbone', /ViT-Hybrid graphs for the tasks image-feature-extraction, image-classification;/],
    ['beit-cls', 'backbone', /BEiT graphs for the tasks .*masked-image-modeling;/],
    ['data2vec-vision-cls', 'masked-image-modeling', /data2vec-vision graphs for the tasks .*image-segmentation;/],
  ])('%s refuses a %s head with UNSUPPORTED_MODEL', async (model, task, message) => {
    const repo = fixtureRepo(model);
    const config = AutoConfig.fromJson(await repo.json('config.json'));
    const { buildGraph } = AutoModel.modelClassFor(config);
    const head = { architecture: 'SomeOtherHead', task };
    const checkpoint = await readCheckpoint(repo);
    expect(() => buildGraph!(config, head, checkpoint, { dtype: 'fp32' })).toThrow(
      expect.objectContaining({ code: 'UNSUPPORTED_MODEL', message: expect.stringMatching(message) }),
    );
  });
});
