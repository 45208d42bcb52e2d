// Graphs built for the WebGPU provider spell attention out (MatMul, Softmax, MatMul: onnxruntime-web's WebGPU
// MultiHeadAttention is wrong for some shapes, see layers.multiHeadAttention). Those graphs, run on
// onnxruntime-node, reproduce the goldens of every family with attention, with and without an attention bias.
import { afterAll, describe, expect, it } from 'vitest';
import type { GraphDtype } from '../graph/graph-builder.js';
import { readJson } from '../testing/fixtures.js';
import { autoClassFor, expectGoldenCases } from '../testing/golden-cases.js';
import { fixtureRepo, readGolden, repoWithFiles } from '../testing/model-fixtures.js';
import { readGraphNodes } from '../testing/onnx-graph-nodes.js';
import { readCheckpoint } from '../weights/read-checkpoint.js';
import { AutoConfig } from './auto/configuration-auto.js';
import { AutoModel } from './auto/modeling-auto.js';

const MODELS = ['beit-cls', 'beit-seg', 'vit-hybrid-cls', 'dpt-hybrid-depth', 'dpt-beit-depth'];
/** As golden-from-weights.test.ts's fp16 bound. */
const FP16_TOLERANCE = { atol: 2e-2, rtol: 2e-2 };

/** The fixture's repo with its graph replaced by one built for `provider`, every weight in one file beside it. */
async function builtFor(model: string, provider: 'cpu' | 'webgpu', dtype: GraphDtype = 'fp32') {
  const checkpoint = await readCheckpoint(fixtureRepo(model));
  const config = AutoConfig.fromJson(readJson('models', model, 'config.json'));
  const head = AutoModel.modelClassFor(config);
  const built = head.buildGraph!(config, head, checkpoint, { dtype, provider, externalDataFile: 'model.onnx.data' });
  const ops = readGraphNodes(built.graph).nodes.map((node) => node.opType);
  const files = Object.fromEntries([
    ['onnx/model.onnx', built.graph],
    ...built.externalData.map(({ path, data }) => [`onnx/${path}`, data]),
  ]);
  return { ops, repo: repoWithFiles(fixtureRepo(model), files) };
}

const maxAbsDiffs: Record<string, Record<string, string>> = {};
afterAll(() => {
  console.log('Max |actual - expected| of WebGPU-provider graphs on onnxruntime-node:');
  console.table(maxAbsDiffs);
});

describe('graphs built for the WebGPU provider', () => {
  it('use MultiHeadAttention for the CPU provider only', async () => {
    expect((await builtFor('beit-seg', 'cpu')).ops).toContain('MultiHeadAttention');
    const { ops } = await builtFor('beit-seg', 'webgpu');
    expect(ops).not.toContain('MultiHeadAttention');
    expect(ops.filter((op) => op === 'Softmax')).toHaveLength(
      readJson<{ num_hidden_layers: number }>('models', 'beit-seg', 'config.json').num_hidden_layers,
    );
  });

  it.each(MODELS)('%s matches every case', async (model) => {
    const golden = readGolden(model);
    const { repo } = await builtFor(model, 'webgpu');
    const loaded = await autoClassFor(golden.architecture).fromPretrained(repo, { device: 'cpu', numThreads: 1, source: 'onnx' });
    try {
      (maxAbsDiffs[model] ??= {}).fp32 = (await expectGoldenCases(loaded, model, golden)).toExponential(2);
    } finally {
      await loaded.dispose();
    }
  });

  it('beit-seg in fp16 stays within the fp16 bound', async () => {
    const golden = readGolden('beit-seg');
    const { repo } = await builtFor('beit-seg', 'webgpu', 'fp16');
    const loaded = await autoClassFor(golden.architecture).fromPretrained(repo, {
      device: 'cpu',
      numThreads: 1,
      source: 'onnx',
      modelFile: 'onnx/model.onnx',
    });
    try {
      (maxAbsDiffs['beit-seg'] ??= {}).fp16 = (await expectGoldenCases(loaded, 'beit-seg', golden, FP16_TOLERANCE)).toExponential(2);
    } finally {
      await loaded.dispose();
    }
  });
});
