// Every fixture model, loaded through its Auto class on both runtimes, against every golden case.
import { afterAll, describe, expect, it } from 'vitest';
import type { InferenceSession } from '../session/inference-session.js';
import type { Tensor } from '../tensor.js';
import { fixturePath, readBin } from '../testing/fixtures.js';
import { compareToGolden, fixtureModels, goldenTensor, readGolden } from '../testing/model-fixtures.js';
import {
  AutoBackbone,
  AutoModel,
  AutoModelForImageClassification,
  AutoModelForMaskedImageModeling,
  AutoModelForSemanticSegmentation,
  type AutoModelClass,
} from './auto/modeling-auto.js';

const AUTO_CLASS_BY_ARCHITECTURE: Record<string, AutoModelClass<unknown>> = {
  BitModel: AutoModel,
  BeitModel: AutoModel,
  ViTHybridModel: AutoModel,
  BitForImageClassification: AutoModelForImageClassification,
  BeitForImageClassification: AutoModelForImageClassification,
  ViTHybridForImageClassification: AutoModelForImageClassification,
  BitBackbone: AutoBackbone,
  BeitForSemanticSegmentation: AutoModelForSemanticSegmentation,
  BeitForMaskedImageModeling: AutoModelForMaskedImageModeling,
};

const BACKENDS: { runtime: InferenceSession.Runtime; device: InferenceSession.Device }[] = [
  { runtime: 'onnxruntime-node', device: 'cpu' },
  { runtime: 'onnxruntime-web', device: 'wasm' },
];

interface LoadedModel {
  architecture: string;
  session: InferenceSession;
  forward(inputs: Record<string, Tensor>): Promise<Record<string, unknown>>;
  dispose(): Promise<void>;
}

const camelCase = (name: string) => name.replace(/_(\w)/g, (_, c: string) => c.toUpperCase());

/** The output field a graph output name lands in: `logits`, `lastHiddenState`, `feature_maps.1` → featureMaps[1]. */
function outputField(result: Record<string, unknown>, graphName: string): Tensor {
  const [name, index] = graphName.split('.');
  const field = result[camelCase(name!)];
  return (index === undefined ? field : (field as Tensor[])[Number(index)]) as Tensor;
}

const maxAbsDiffs: Record<string, Record<string, string>> = {};

afterAll(() => {
  console.log('Max |actual - expected| over all golden cases and outputs:');
  console.table(maxAbsDiffs);
});

describe.each(BACKENDS)('golden outputs on $runtime ($device)', ({ runtime, device }) => {
  it.each(fixtureModels)('%s matches every case', async (model) => {
    const golden = readGolden(model);
    const autoClass = AUTO_CLASS_BY_ARCHITECTURE[golden.architecture]!;
    const loaded = (await autoClass.fromPretrained(fixturePath('models', model), { device, numThreads: 1 })) as LoadedModel;
    try {
      expect(loaded.architecture).toBe(golden.architecture);
      expect(loaded.session.backend).toMatchObject({ runtime, device });
      let maxAbsDiff = 0;
      for (const goldenCase of golden.cases) {
        const inputs = Object.fromEntries(
          Object.entries(goldenCase.inputs).map(([name, desc]) => [camelCase(name), goldenTensor(model, desc)]),
        );
        const result = await loaded.forward(inputs);
        for (const [name, desc] of Object.entries(goldenCase.outputs)) {
          const where = `${model} ${goldenCase.name} ${name}`;
          const actual = outputField(result, name);
          expect(actual.dims, where).toEqual(desc.shape);
          const expected = readBin(desc, 'models', model, 'golden');
          const comparison = compareToGolden(actual.data as Float32Array, expected, golden.tolerance);
          expect(comparison.violations, `${where}: max |diff| ${comparison.maxAbsDiff}`).toBe(0);
          maxAbsDiff = Math.max(maxAbsDiff, comparison.maxAbsDiff);
        }
      }
      (maxAbsDiffs[model] ??= {})[runtime] = maxAbsDiff.toExponential(2);
    } finally {
      await loaded.dispose();
    }
  });
});
