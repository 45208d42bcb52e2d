import * as ort from 'onnxruntime-web';
import { describe, expect, it } from 'vitest';
import { OnnxGraph, tensorBytes } from '../packages/core/src/graph/onnx-graph.js';
import { readGraphNodes } from '../packages/core/src/testing/onnx-graph-nodes.js';
import { quantizePerColumn, quantizePerTensor } from './dynamic-quantization.js';
import { quantizeDynamic } from './transformers-js-q8.js';

describe("onnxruntime's uint8 quantization arithmetic", () => {
  it('takes a range that holds 0 and rounds halves to even', () => {
    // 127 steps of 1/16 span [0, 7.9375]: x / scale is exact, so 0.5 and 1.5 are true halves.
    const { data, scales, zeroPoints } = quantizePerTensor(Float32Array.of(0, 7.9375, 0.03125, 0.09375, 1), 127);
    expect([...scales]).toEqual([0.0625]);
    expect([...zeroPoints]).toEqual([0]);
    expect([...data]).toEqual([0, 127, 0, 2, 16]);
  });

  it('quantizes a MatMul weight per output column', () => {
    // Column 0 spans [-1, 2]: scale 3/127, zero point round(42.33) = 42; column 1 spans [0, 3] (0 is always in).
    const { data, scales, zeroPoints } = quantizePerColumn(Float32Array.of(-1, 1, 0.5, 3, 2, 0), 3, 2, 127);
    expect([...scales]).toEqual([Math.fround(3 / 127), Math.fround(3 / 127)]);
    expect([...zeroPoints]).toEqual([42, 0]);
    // -1/s = -42.33 → -42, 0.5/s = 21.17 → 21, 2/s = 84.67 → 85 (+ 42); 1/s = 42.33 → 42, 3/s = 127.
    expect([...data]).toEqual([0, 42, 63, 127, 127, 0]);
  });

  it('gives an all-zero tensor scale 1 and zero point 0', () => {
    expect(quantizePerTensor(new Float32Array(4), 255)).toEqual({
      data: new Uint8Array(4),
      scales: Float32Array.of(1),
      zeroPoints: Uint8Array.of(0),
    });
  });
});

/** A Conv, a Linear exported as MatMul(x, Transpose(W)) and a Gather of a table, with their weights in model.onnx.data. */
function tinyModel() {
  const graph = new OnnxGraph();
  const values = (count: number, seed: number) => Array.from({ length: count }, (_, i) => Math.sin(seed + i * 0.7));
  const weight = (name: string, dims: number[], seed: number) =>
    graph.bytesInitializer(
      name,
      'float32',
      dims,
      tensorBytes(
        'float32',
        values(
          dims.reduce((a, b) => a * b),
          seed,
        ),
      ),
    );
  const x = graph.input('x', 'float32', [1, 2, 8, 8]);
  const conv = graph.op('Conv', [x, weight('conv.weight', [4, 2, 2, 2], 1), weight('conv.bias', [4], 2)], { strides: [2, 2] });
  const tokens = graph.op('Reshape', [conv, graph.int64s([1, 4, 16])]);
  const linear = graph.op('MatMul', [tokens, graph.op('Transpose', [weight('linear.weight', [32, 16], 3)], { perm: [1, 0] })]);
  const gathered = graph.op('Gather', [weight('table', [10, 32], 4), graph.int64s([1, 3, 5, 7])], { axis: 0 });
  graph.output(graph.op('Add', [linear, gathered]), 'y', 'float32', [1, 4, 32]);
  const { graph: model, externalData } = graph.serialize({ externalDataFile: 'model.onnx.data' });
  return { model, data: externalData[0]!.data };
}

async function run(model: Uint8Array, data?: Uint8Array): Promise<Float32Array> {
  const session = await ort.InferenceSession.create(model, {
    executionProviders: ['wasm'],
    ...(data && { externalData: [{ path: 'model.onnx.data', data }] }),
  });
  const x = new ort.Tensor(
    'float32',
    Float32Array.from({ length: 128 }, (_, i) => Math.cos(i * 0.3)),
    [1, 2, 8, 8],
  );
  const { y } = await session.run({ x });
  await session.release();
  return y!.data as Float32Array;
}

describe('quantizeDynamic', () => {
  it('rewrites MatMul, Conv and Gather of weights as onnxruntime does, into a graph without external data', async () => {
    const { model, data } = tinyModel();
    const expected = await run(model, data.slice());
    const quantized = quantizeDynamic(model, data);
    const { nodes, initializers } = readGraphNodes(quantized);
    expect(nodes.map((node) => node.opType).sort()).toEqual(
      [
        ...['DynamicQuantizeLinear', 'ConvInteger', 'Cast', 'Mul', 'Mul', 'Reshape', 'Add'],
        ...['Reshape', 'DynamicQuantizeLinear', 'MatMulInteger', 'Cast', 'Mul', 'Mul'],
        ...['Gather', 'DequantizeLinear', 'Add', 'Identity'],
      ].sort(),
    );
    // The Linear weight, folded into its transpose first, takes the Transpose's output name.
    expect([...initializers].filter((name) => name.endsWith('_quantized'))).toHaveLength(3);
    expect(initializers).toContain('conv.weight_quantized');
    expect(initializers).toContain('table_quantized');
    for (const name of ['conv.weight', 'linear.weight', 'table']) expect(initializers).not.toContain(name);
    const actual = await run(quantized);
    const range = Math.max(...expected.map(Math.abs));
    const error = Math.max(...actual.map((value, i) => Math.abs(value - expected[i]!)));
    // 7-bit weights, 8-bit activations and table: measured 1.51 % of the output's range (the inputs are fixed).
    expect(error / range).toBeLessThan(0.016);
    expect(error).toBeGreaterThan(0);
  });
});
