// Test-only: runs a loaded fixture model on every golden case and compares each output with the fixture.
import { expect } from 'vitest';
import { AUTO_MODEL_FOR_TASK, modelClassOf, type AutoModelClass } from '../models/auto/modeling-auto.js';
import type { InferenceSession } from '../session/inference-session.js';
import type { Tensor } from '../tensor.js';
import { readBin } from './fixtures.js';
import { compareToGolden, goldenTensor, type Golden } from './model-fixtures.js';

export interface LoadedModel {
  architecture: string;
  session: InferenceSession;
  forward(inputs: Record<string, Tensor>): Promise<Record<string, unknown>>;
  dispose(): Promise<void>;
}

/** The Auto class that loads a golden's architecture: its task's, from the family registry. */
export function autoClassFor(architecture: string): AutoModelClass<LoadedModel> {
  const modelClass = modelClassOf(architecture);
  if (!modelClass) throw new Error(`No family registers ${architecture}`);
  return AUTO_MODEL_FOR_TASK[modelClass.task] as AutoModelClass<unknown> as AutoModelClass<LoadedModel>;
}

const camelCase = (name: string) => name.replace(/_(\w)/g, (_, c: string) => c.toUpperCase());

/** The output field a graph output name lands in: `logits`, `lastHiddenState`, `feature_maps.1` → featureMaps[1]. */
function outputField(result: Record<string, unknown>, graphName: string): Tensor {
  const [name, index] = graphName.split('.');
  const field = result[camelCase(name!)];
  return (index === undefined ? field : (field as Tensor[])[Number(index)]) as Tensor;
}

/** Expects every case's outputs within `tolerance` (default the fixture's); returns the largest |actual - expected|. */
export async function expectGoldenCases(loaded: LoadedModel, model: string, golden: Golden, tolerance = golden.tolerance): Promise<number> {
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
      const comparison = compareToGolden(actual.data as Float32Array, expected, tolerance);
      expect(comparison.violations, `${where}: max |diff| ${comparison.maxAbsDiff}`).toBe(0);
      maxAbsDiff = Math.max(maxAbsDiff, comparison.maxAbsDiff);
    }
  }
  return maxAbsDiff;
}
