import { describe, expect, it } from 'vitest';
import { RetinaError } from '../errors.js';
import type { ModelRepo } from '../hub/model-repo.js';
import { protobufFields } from '../onnx/protobuf-fields.js';
import { bytesField, entry, int, modelProto, nodeField as node, str, tensorValueInfo } from '../testing/onnx-proto.js';
import { createInferenceSession } from './create-inference-session.js';
import { foldWeightTransposes } from './fold-weight-transposes.js';

const FLOAT = 1;
const UINT8 = 2;
const INT64 = 7;
const FLOAT16 = 10;
const BYTES = { [FLOAT]: 4, [UINT8]: 1, [INT64]: 8, [FLOAT16]: 2 } as const;
type DataType = keyof typeof BYTES;

const permAttribute = (perm: number[]) => [...str(1, 'perm'), ...perm.flatMap((axis) => int(8, axis)), ...int(20, 7)];
const weight = (name: string, dims: number[], dataType: number, offset: number, length: number) =>
  bytesField(5, [
    ...dims.flatMap((dim) => int(1, dim)),
    ...int(2, dataType),
    ...str(8, name),
    ...entry('location', 'model.onnx.data'),
    ...entry('offset', String(offset)),
    ...entry('length', String(length)),
    ...int(14, 1),
  ]);

interface Case {
  dataType?: DataType;
  rows?: number;
  cols?: number;
  /** Bytes before the weight in model.onnx.data (an odd one leaves it unaligned). */
  offset?: number;
  /** Graph fields after the Transpose → Identity → Y chain. */
  extra?: number[];
  perm?: number[];
  /** Make the Transpose's output the graph output, with no Identity after it. */
  transposeIsOutput?: boolean;
}

/** Y = Identity(Transpose(W)), W = 0, 1, 2, ... (mod 256 in uint8; rows × cols) stored at `offset` in model.onnx.data, 0xAB around it. */
function transposeModel({ dataType = FLOAT, rows = 3, cols = 5, offset = 16, extra = [], perm, transposeIsOutput = false }: Case = {}) {
  const length = rows * cols * BYTES[dataType];
  const data = new Uint8Array(offset + length + 8).fill(0xab);
  const values = Array.from({ length: rows * cols }, (_, i) => (dataType === UINT8 ? i % 256 : i));
  const typed = {
    [FLOAT]: () => new Float32Array(values),
    [UINT8]: () => new Uint8Array(values),
    [INT64]: () => BigInt64Array.from(values, BigInt),
    [FLOAT16]: () => new Uint16Array(values.map(float16Bits)),
  }[dataType]();
  data.set(new Uint8Array(typed.buffer), offset);
  const transposed = transposeIsOutput ? 'Y' : 'WT';
  const graph = [
    ...node('Transpose', ['W'], [transposed], perm ? [permAttribute(perm)] : []),
    ...(transposeIsOutput ? [] : node('Identity', ['WT'], ['Y'])),
    ...str(2, 'transpose'),
    ...weight('W', [rows, cols], dataType, offset, length),
    ...tensorValueInfo(12, 'Y', dataType, [cols, rows]),
    ...extra,
  ];
  return { graph: modelProto(graph), data, expected: transposeOf(values, rows, cols) };
}

function float16Bits(value: number): number {
  // Small integers only: exact in float16.
  if (value === 0) return 0;
  const exponent = Math.floor(Math.log2(value));
  return ((exponent + 15) << 10) | Math.round((value / 2 ** exponent - 1) * 1024);
}

function transposeOf(values: number[], rows: number, cols: number): number[] {
  return Array.from({ length: rows * cols }, (_, i) => values[(i % rows) * cols + Math.floor(i / rows)]!);
}

function repoOf(graph: Uint8Array, data: Uint8Array): ModelRepo {
  const files: Record<string, Uint8Array> = { 'onnx/model.onnx': graph, 'onnx/model.onnx.data': data };
  return {
    location: 'memory',
    json: () => Promise.reject(new Error('no JSON files here')),
    bytes: async (file) => files[file] ?? Promise.reject(new RetinaError('FILE_NOT_FOUND', `${file} is not in memory.`)),
  };
}

async function runY(repo: ModelRepo, device: 'cpu' | 'wasm'): Promise<number[]> {
  const session = await createInferenceSession(repo, { device, numThreads: 1 });
  try {
    const { Y } = await session.run({});
    return Array.from(Y!.data as ArrayLike<number | bigint>, Number);
  } finally {
    await session.dispose();
  }
}

/** The op types of the graph's nodes and the names and dims of its initializers, read back. */
function graphSummary(model: Uint8Array): { ops: string[]; initializers: [string, number[]][] } {
  const fieldsOf = (message: Uint8Array, number: number) => [...protobufFields(message)].filter((field) => field.number === number);
  const text = (message: Uint8Array, number: number) => fieldsOf(message, number).map((field) => new TextDecoder().decode(field.bytes));
  const graph = fieldsOf(model, 7)[0]!.bytes!;
  return {
    ops: fieldsOf(graph, 1).flatMap((node) => text(node.bytes!, 4)),
    initializers: fieldsOf(graph, 5).map(({ bytes }) => [text(bytes!, 8)[0]!, fieldsOf(bytes!, 1).map((dim) => dim.varint!)]),
  };
}

describe('foldWeightTransposes', () => {
  it('moves the transpose into the weight: no Transpose node left, the initializer renamed and reshaped, the bytes transposed in place', () => {
    const { graph, data, expected } = transposeModel({ rows: 3, cols: 5, offset: 16 });
    const before = data.slice();
    const folded = foldWeightTransposes(graph, [{ path: 'model.onnx.data', data }]);
    expect(folded.folded).toBe(1);
    expect(graphSummary(graph)).toEqual({ ops: ['Transpose', 'Identity'], initializers: [['W', [3, 5]]] });
    expect(graphSummary(folded.graph)).toEqual({ ops: ['Identity'], initializers: [['WT', [5, 3]]] });
    expect(Array.from(new Float32Array(data.slice(16, 16 + 60).buffer))).toEqual(expected);
    expect(data.subarray(0, 16)).toEqual(before.subarray(0, 16));
    expect(data.subarray(76)).toEqual(before.subarray(76));
  });

  it.each([
    ['float32', FLOAT, 16],
    ['float32 at an unaligned offset', FLOAT, 3],
    ['float16', FLOAT16, 10],
    ['uint8', UINT8, 1],
    ['int64', INT64, 24],
    ['int64 at an unaligned offset', INT64, 4],
  ] as const)('gives onnxruntime the same values as the unfolded graph: %s', async (_, dataType, offset) => {
    // Tiles are 16 wide: 37 × 21 has partial ones on both edges.
    const { graph, data, expected } = transposeModel({ dataType, rows: 37, cols: 21, offset });
    expect(await runY(repoOf(graph, data.slice()), 'cpu')).toEqual(expected);
    const foldedData = data.slice();
    const folded = foldWeightTransposes(graph, [{ path: 'model.onnx.data', data: foldedData }]);
    expect(folded.folded).toBe(1);
    expect(await runY(repoOf(folded.graph, foldedData), 'cpu')).toEqual(expected);
  });

  it('is what createInferenceSession hands onnxruntime-web, and a repo that hands out the same bytes twice does not get them transposed back', async () => {
    const { graph, data, expected } = transposeModel({ rows: 4, cols: 6 });
    const repo = repoOf(graph, data);
    expect(await runY(repo, 'wasm')).toEqual(expected);
    const transposedOnce = data.slice();
    expect(await runY(repo, 'wasm')).toEqual(expected);
    expect(data).toEqual(transposedOnce);
  });

  it.each<[string, Case]>([
    ['the weight is read by another node too', { extra: node('Identity', ['W'], ['W2']) }],
    [
      'the weight is read inside a subgraph',
      { extra: node('If', ['c'], ['z'], [[...str(1, 'then_branch'), ...bytesField(6, node('Identity', ['W'], ['w']))]]) },
    ],
    ['the weight is also a graph input', { extra: tensorValueInfo(11, 'W', FLOAT, [3, 5]) }],
    ['the transposed value is a graph output', { transposeIsOutput: true }],
    ['perm keeps the axes', { perm: [0, 1] }],
    ['another initializer reads the same bytes', { extra: [...weight('V', [5, 3], FLOAT, 16, 60), ...node('Identity', ['V'], ['V2'])] }],
    ['another initializer reads part of them', { extra: [...weight('V', [2], FLOAT, 20, 8), ...node('Identity', ['V'], ['V2'])] }],
  ])('leaves the graph and the bytes alone when %s', (_, options) => {
    const { graph, data } = transposeModel(options);
    const before = data.slice();
    const folded = foldWeightTransposes(graph, [{ path: 'model.onnx.data', data }]);
    expect(folded.folded).toBe(0);
    expect(folded.graph).toBe(graph);
    expect(data).toEqual(before);
  });

  it('folds an explicit perm [1, 0] like the default one', () => {
    const { graph, data } = transposeModel({ perm: [1, 0] });
    expect(foldWeightTransposes(graph, [{ path: 'model.onnx.data', data }]).folded).toBe(1);
  });

  it('leaves inline weights to onnxruntime', () => {
    const inline = bytesField(5, [...int(1, 2), ...int(1, 2), ...int(2, FLOAT), ...str(8, 'W'), ...bytesField(9, new Array(16).fill(0))]);
    const graph = modelProto([
      ...node('Transpose', ['W'], ['WT']),
      ...node('Identity', ['WT'], ['Y']),
      ...inline,
      ...tensorValueInfo(12, 'Y', FLOAT, [2, 2]),
    ]);
    expect(foldWeightTransposes(graph, []).graph).toBe(graph);
  });
});
