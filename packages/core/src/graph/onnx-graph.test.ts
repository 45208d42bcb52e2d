// A graph built with OnnxGraph runs on both runtimes, with weights read in place from an (unaligned)
// checkpoint buffer, computed weights, negative int64s and float attributes; outputs are checked against
// the same arithmetic done here in plain TypeScript.
import { describe, expect, it } from 'vitest';
import type { InferenceSession } from '../session/inference-session.js';
import { readGraphNodes } from '../testing/onnx-graph-nodes.js';
import { createOnnxruntimeNodeSession, importOnnxruntimeNode } from '../session/onnxruntime-node-session.js';
import { createOnnxruntimeWebSession } from '../session/onnxruntime-web-session.js';
import { Tensor } from '../tensor.js';
import type { Checkpoint, WeightTensor } from '../weights/weight-tensor.js';
import { graphMetadata } from './graph-builder.js';
import { readGraphMetadata } from './graph-metadata.js';
import { floatInput, floatOutput, layerNorm, linear } from './layers.js';
import { OnnxGraph, type BuiltGraph } from './onnx-graph.js';
import { ModelWeights, type ComputeType } from './weights.js';

const IN = 4;
const OUT = 3;
const W = Float32Array.from({ length: OUT * IN }, (_, i) => (i - 5) / 7);
const B = new Float32Array([0.5, -1, 2]);
const LN_W = new Float32Array([1, 2, 0.5]);
const LN_B = new Float32Array([0, 0.25, -0.25]);

/** A safetensors-like file: an odd-length header, then the tensors back to back, so offsets are unaligned. */
function fakeCheckpoint(): Checkpoint {
  const tensors = { 'lin.weight': [W, [OUT, IN]], 'lin.bias': [B, [OUT]], 'ln.weight': [LN_W, [OUT]], 'ln.bias': [LN_B, [OUT]] } as const;
  const header = 3;
  const size = header + Object.values(tensors).reduce((n, [values]) => n + values.byteLength, 0);
  const bytes = new Uint8Array(size).fill(0xee);
  const map = new Map<string, WeightTensor>();
  let offset = header;
  for (const [name, [values, shape]] of Object.entries(tensors)) {
    bytes.set(new Uint8Array(values.buffer), offset);
    const data = bytes.subarray(offset, offset + values.byteLength);
    map.set(`model.${name}`, { name: `model.${name}`, dtype: 'float32', shape, data, file: 'model.safetensors', fileOffset: offset });
    offset += values.byteLength;
  }
  return { tensors: map, files: [{ name: 'model.safetensors', bytes }], metadata: {} };
}

function build(type: ComputeType, externalDataFile?: string, checkpoint = fakeCheckpoint()): BuiltGraph {
  const graph = new OnnxGraph();
  const weights = new ModelWeights(checkpoint, { basePrefix: 'model', type, where: 'memory' });
  const x = floatInput(graph, 'x', ['batch_size', IN], type);
  const projected = linear(graph, weights, x, 'lin', [IN, OUT], 'hidden_size');
  const normed = layerNorm(graph, weights, projected, 'ln', OUT, 1e-5, 'hidden_size');
  const flat = graph.op('Reshape', [normed, graph.int64s([-1])]);
  floatOutput(graph, flat, 'y', ['n'], type);
  return graph.serialize({
    metadata: graphMetadata('test', 'TestModel', { dtype: type === 'float16' ? 'fp16' : 'fp32' }),
    externalDataFile,
  });
}

function expected(x: Float32Array): number[] {
  const out: number[] = [];
  for (let row = 0; row < x.length / IN; row++) {
    const h = Array.from(
      { length: OUT },
      (_, o) => B[o]! + Array.from({ length: IN }, (_, i) => x[row * IN + i]! * W[o * IN + i]!).reduce((a, b) => a + b),
    );
    const mean = h.reduce((a, b) => a + b) / OUT;
    const variance = h.reduce((a, b) => a + (b - mean) ** 2, 0) / OUT;
    out.push(...h.map((v, o) => ((v - mean) / Math.sqrt(variance + 1e-5)) * LN_W[o]! + LN_B[o]!));
  }
  return out;
}

async function session(built: BuiltGraph, runtime: 'node' | 'web'): Promise<InferenceSession> {
  const model = { file: 'built', location: 'memory', graph: built.graph, externalData: built.externalData };
  if (runtime === 'web') return createOnnxruntimeWebSession(model, { reason: 'test', numThreads: 1, logLevel: 'error' });
  const node = await importOnnxruntimeNode();
  if (!('runtime' in node)) throw new Error(node.unavailable);
  return createOnnxruntimeNodeSession(node.runtime, model, { reason: 'test', numThreads: 1, logLevel: 'error' });
}

const x = Float32Array.from({ length: 2 * IN }, (_, i) => Math.sin(i + 1) * 3);

describe('OnnxGraph', () => {
  it.each([
    ['node', 'float32', undefined, 1e-6],
    ['web', 'float32', undefined, 1e-6],
    ['node', 'float32', 'model.onnx.data', 1e-6],
    ['web', 'float16', undefined, 2e-2],
  ] as const)('runs on onnxruntime-%s in %s (packed into %s)', async (runtime, type, packInto, atol) => {
    const built = build(type, packInto);
    const loaded = await session(built, runtime);
    try {
      expect(loaded.inputMetadata).toEqual([{ name: 'x', dtype: 'float32', dims: ['batch_size', IN] }]);
      const { y } = await loaded.run({ x: new Tensor('float32', x, [2, IN]) });
      const want = expected(x);
      expect(y!.dims).toEqual([want.length]);
      Array.from(y!.data as Float32Array).forEach((value, i) => expect(Math.abs(value - want[i]!)).toBeLessThan(atol));
    } finally {
      await loaded.dispose();
    }
  });

  it('precomputes a weight in the checkpoint bytes once, however often the same bytes are built from', async () => {
    const checkpoint = fakeCheckpoint();
    const first = build('float32', undefined, checkpoint);
    const second = build('float32', undefined, checkpoint);
    for (const built of [first, second]) {
      const loaded = await session(built, 'node');
      const { y } = await loaded.run({ x: new Tensor('float32', x, [2, IN]) });
      await loaded.dispose();
      expected(x).forEach((want, i) => expect(Math.abs((y!.data as Float32Array)[i]! - want)).toBeLessThan(1e-6));
    }
  });

  it('hands the checkpoint bytes over uncopied, and packs them into one file on request', () => {
    const checkpointFile = build('float32').externalData.find(({ path }) => path === 'model.safetensors');
    expect(checkpointFile?.data.length).toBe(3 + 4 * (OUT * IN + 3 * OUT));
    const packed = build('float32', 'model.onnx.data').externalData;
    expect(packed.map(({ path }) => path)).toEqual(['model.onnx.data']);
  });

  it("names every node after its first output, so onnxruntime's logs say which node", () => {
    const { nodes } = readGraphNodes(build('float32').graph);
    expect(nodes.map((node) => node.name)).toEqual(nodes.map((node) => node.outputs[0]));
    expect(new Set(nodes.map((node) => node.name)).size).toBe(nodes.length);
  });

  it('writes the metadata it is given', () => {
    expect(readGraphMetadata(build('float32').graph)).toEqual({
      'retina.model_type': 'test',
      'retina.architecture': 'TestModel',
      'retina.version': '0.1.0',
      'retina.dtype': 'fp32',
    });
  });
});
