// Quantized dtypes: what a q8/q4 build hands the runtime (quantized Linear weights in the graph's own compact
// buffers, nothing of the checkpoint), which operators each provider gets, and how ONNX repos serve them.
import { describe, expect, it } from 'vitest';
import type { GraphBuildOptions } from '../graph/graph-builder.js';
import type { ModelRepo } from '../hub/model-repo.js';
import { RetinaError } from '../errors.js';
import { readJson } from '../testing/fixtures.js';
import { autoClassFor } from '../testing/golden-cases.js';
import { fixtureRepo, readGolden, repoWithFiles } from '../testing/model-fixtures.js';
import { readGraphNodes } from '../testing/onnx-graph-nodes.js';
import { readCheckpoint } from '../weights/read-checkpoint.js';
import { AutoConfig } from './auto/configuration-auto.js';
import { AutoModel } from './auto/modeling-auto.js';
import { exportGraphFromWeights } from './export-graph.js';

/** beit-cls's Linear layers: query, key, value, output, intermediate, output dense in each of 2 layers, and the classifier. */
const BEIT_CLS_LINEARS = 2 * 6 + 1;

async function buildBeitCls(options: GraphBuildOptions) {
  const checkpoint = await readCheckpoint(fixtureRepo('beit-cls'));
  const config = AutoConfig.fromJson(readJson('models', 'beit-cls', 'config.json'));
  const head = AutoModel.modelClassFor(config);
  return { checkpoint, built: head.buildGraph!(config, head, checkpoint, options) };
}

function opCounts(graph: Uint8Array): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const { opType } of readGraphNodes(graph).nodes) counts[opType] = (counts[opType] ?? 0) + 1;
  return counts;
}

describe('quantized builds', () => {
  it.each([
    { dtype: 'q8', provider: 'cpu', operator: 'DynamicQuantizeMatMul' },
    { dtype: 'q8', provider: 'webgpu', operator: 'MatMulNBits' },
    { dtype: 'q4', provider: 'cpu', operator: 'MatMulNBits' },
    { dtype: 'q4', provider: 'webgpu', operator: 'MatMulNBits' },
  ] as const)(
    '$dtype for $provider: every Linear is one $operator, and the runtime gets compact buffers, none of the checkpoint',
    async ({ dtype, provider, operator }) => {
      const { checkpoint, built } = await buildBeitCls({ dtype, provider });
      const counts = opCounts(built.graph);
      expect(counts[operator]).toBe(BEIT_CLS_LINEARS);
      // No float Linear is left: no MatMul of a weight, no Gemm (WebGPU's spelled-out attention has two per layer).
      expect(counts.Gemm).toBeUndefined();
      expect(counts.MatMul).toBe(provider === 'webgpu' ? 2 * 2 : undefined);
      expect(built.externalData.map(({ path }) => path)).toEqual(['weights/0.bin']);
      const checkpointBuffers = new Set(checkpoint.files.map(({ bytes }) => bytes.buffer));
      for (const { data } of built.externalData) expect(checkpointBuffers.has(data.buffer)).toBe(false);
    },
  );

  it('fp32 still hands the checkpoint over uncopied', async () => {
    const { checkpoint, built } = await buildBeitCls({ dtype: 'fp32' });
    expect(built.externalData.map(({ data }) => data)).toContain(checkpoint.files[0]!.bytes);
  });
});

/** A repo that records which files were read. */
function recording(repo: ModelRepo): { repo: ModelRepo; read: string[] } {
  const read: string[] = [];
  return {
    read,
    repo: {
      location: repo.location,
      json: (file, options) => repo.json(file, options),
      bytes: (file, options) => {
        read.push(file);
        return repo.bytes(file, options);
      },
    },
  };
}

describe('quantized dtypes of ONNX repos', () => {
  it.each([
    { dtype: 'q8', file: 'onnx/model_quantized.onnx' },
    { dtype: 'q4', file: 'onnx/model_q4.onnx' },
  ] as const)('$dtype reads $file when the repo has it, and no checkpoint', async ({ dtype, file }) => {
    const exported = await exportGraphFromWeights(fixtureRepo('beit-cls'), { dtype });
    expect(exported.file).toBe(file);
    const files = { [file]: exported.graph, [`onnx/${exported.externalData.path}`]: exported.externalData.data };
    const { repo, read } = recording(repoWithFiles(fixtureRepo('beit-cls'), files));
    const model = await autoClassFor('BeitForImageClassification').fromPretrained(repo, { device: 'cpu', dtype });
    await model.dispose();
    expect(read).toEqual([file, `onnx/${exported.externalData.path}`]);
  });

  it.each(['q8', 'q4'] as const)('%s of a repo with neither its file nor a checkpoint is refused; the next load works', async (dtype) => {
    const fixture = fixtureRepo('beit-cls');
    // The repo has onnx/model.onnx and nothing else.
    const onnxOnly: ModelRepo = {
      location: 'an ONNX-only repo',
      json: (file, options) => fixture.json(file, options),
      bytes: (file, options) =>
        file === 'onnx/model.onnx'
          ? fixture.bytes(file, options)
          : Promise.reject(new RetinaError('FILE_NOT_FOUND', `${file} is not here.`)),
    };
    const file = dtype === 'q8' ? 'onnx/model_quantized.onnx' : 'onnx/model_q4.onnx';
    await expect(autoClassFor('BeitForImageClassification').fromPretrained(onnxOnly, { device: 'cpu', dtype })).rejects.toThrow(
      expect.objectContaining({
        code: 'INVALID_ARGUMENT',
        message: expect.stringContaining(
          `dtype "${dtype}" needs ${file} in an ONNX-only repo, or a checkpoint to build it from, and an ONNX-only repo has neither. ` +
            `Load it with dtype "fp32" (onnx/model.onnx), or add ${file}.`,
        ),
      }),
    );
    const model = await autoClassFor(readGolden('beit-cls').architecture).fromPretrained(onnxOnly, { device: 'cpu' });
    await model.dispose();
  });
});
