// DPT graphs built from config.json and each checkpoint format, and the fixtures' exported graphs, through the
// model class and a session on both runtimes, against every golden case.
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { InferenceSession } from '../../session/inference-session.js';
import { fixturePath } from '../../testing/fixtures.js';
import { expectGoldenCases, type LoadedModel } from '../../testing/golden-cases.js';
import { readGolden } from '../../testing/model-fixtures.js';
import { DPTForDepthEstimation } from './modeling-dpt.js';

const MODELS = ['dpt-hybrid-depth', 'dpt-beit-depth'];
const SOURCES = ['model.safetensors', 'pytorch_model.bin', 'onnx/model.onnx'] as const;
const BACKENDS: { runtime: InferenceSession.Runtime; device: InferenceSession.Device }[] = [
  { runtime: 'onnxruntime-node', device: 'cpu' },
  { runtime: 'onnxruntime-web', device: 'wasm' },
];

const folders: string[] = [];
const maxAbsDiffs: Record<string, Record<string, string>> = {};
afterAll(() => {
  for (const folder of folders) rmSync(folder, { recursive: true, force: true });
  console.log('DPT: max |predicted_depth - golden| over the native and pipeline cases:');
  console.table(maxAbsDiffs);
});

/** A folder with the fixture's configs and only `file` of its weights or graph. */
function only(model: string, file: (typeof SOURCES)[number]): string {
  const folder = mkdtempSync(join(tmpdir(), `retina-${model}-`));
  folders.push(folder);
  for (const name of ['config.json', 'preprocessor_config.json', ...(file === 'onnx/model.onnx' ? [] : [file])])
    copyFileSync(fixturePath('models', model, name), join(folder, name));
  return folder;
}

describe.each(BACKENDS)('DPTForDepthEstimation on $runtime ($device)', ({ runtime, device }) => {
  describe.each(MODELS)('%s', (model) => {
    it.each(SOURCES)('from %s matches every case', async (file) => {
      const golden = readGolden(model);
      const source = file === 'onnx/model.onnx' ? fixturePath('models', model) : only(model, file);
      const loaded = await DPTForDepthEstimation.fromPretrained(source, {
        device,
        numThreads: 1,
        source: file === 'onnx/model.onnx' ? 'onnx' : 'weights',
      });
      try {
        expect(loaded.session.backend).toMatchObject({ runtime, device });
        (maxAbsDiffs[model] ??= {})[`${runtime} ${file}`] = (
          await expectGoldenCases(loaded as unknown as LoadedModel, model, golden)
        ).toExponential(2);
      } finally {
        await loaded.dispose();
      }
    });
  });
});
