// Every fixture model whose family builds graphs, loaded from config.json and one checkpoint file alone
// (no ONNX file), on both runtimes, against every golden case; fp16 builds against a looser bound.
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { InferenceSession } from '../session/inference-session.js';
import { fixturePath } from '../testing/fixtures.js';
import { autoClassFor, expectGoldenCases } from '../testing/golden-cases.js';
import { fixtureModels, readGolden } from '../testing/model-fixtures.js';
import { familyOf } from './model-families.js';

const CHECKPOINTS = ['model.safetensors', 'pytorch_model.bin'] as const;
const BACKENDS: { runtime: InferenceSession.Runtime; device: InferenceSession.Device }[] = [
  { runtime: 'onnxruntime-node', device: 'cpu' },
  { runtime: 'onnxruntime-web', device: 'wasm' },
];
/** fp16 weights and compute against the fp32 goldens (measured largest differences are printed below). */
const FP16_TOLERANCE = { atol: 2e-2, rtol: 2e-2 };

const buildable = fixtureModels.filter((model) =>
  familyOf(readGolden(model).model_type)?.modelClasses.every((modelClass) => modelClass.buildGraph),
);
const folders: string[] = [];

/** A folder with the fixture's configs and only `checkpoint` of its weights. */
function checkpointOnly(model: string, checkpoint: string): string {
  const folder = mkdtempSync(join(tmpdir(), `retina-${model}-`));
  folders.push(folder);
  for (const file of ['config.json', 'preprocessor_config.json', checkpoint])
    copyFileSync(fixturePath('models', model, file), join(folder, file));
  return folder;
}

const maxAbsDiffs: Record<string, Record<string, string>> = {};
afterAll(() => {
  for (const folder of folders) rmSync(folder, { recursive: true, force: true });
  console.log('Max |actual - expected| of graphs built from weights:');
  console.table(maxAbsDiffs);
});

it('covers the BiT, BEiT (with DiT), ViT-Hybrid and data2vec-vision fixtures', () => {
  expect(buildable).toEqual(
    expect.arrayContaining([
      'beit-cls',
      'beit-cls-abs',
      'beit-feature',
      'beit-mim',
      'beit-seg',
      'bit-backbone',
      'bit-bottleneck-same-cls',
      'bit-feature',
      'bit-preact-cls',
      'data2vec-vision-cls',
      'data2vec-vision-seg',
      'dit-cls',
      'vit-hybrid-cls',
      'vit-hybrid-feature',
    ]),
  );
});

describe.each(BACKENDS)('graphs built from weights on $runtime ($device)', ({ runtime, device }) => {
  describe.each(CHECKPOINTS)('from %s', (checkpoint) => {
    it.each(buildable)('%s matches every case', async (model) => {
      const golden = readGolden(model);
      const loaded = await autoClassFor(golden.architecture).fromPretrained(checkpointOnly(model, checkpoint), { device, numThreads: 1 });
      try {
        expect(loaded.session.backend).toMatchObject({ runtime, device });
        (maxAbsDiffs[model] ??= {})[`${runtime} ${checkpoint}`] = (await expectGoldenCases(loaded, model, golden)).toExponential(2);
      } finally {
        await loaded.dispose();
      }
    });
  });
});

describe.each(BACKENDS)('fp16 graphs built from weights on $runtime ($device)', ({ runtime, device }) => {
  it.each(buildable)('%s stays within %j', async (model) => {
    const golden = readGolden(model);
    const loaded = await autoClassFor(golden.architecture).fromPretrained(checkpointOnly(model, 'model.safetensors'), {
      device,
      numThreads: 1,
      dtype: 'fp16',
    });
    try {
      (maxAbsDiffs[model] ??= {})[`${runtime} fp16`] = (await expectGoldenCases(loaded, model, golden, FP16_TOLERANCE)).toExponential(2);
    } finally {
      await loaded.dispose();
    }
  });
});
