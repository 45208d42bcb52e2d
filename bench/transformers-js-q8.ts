// transformers.js's default dtype for a bench graph: `model_quantized.onnx` as its conversion script makes it
// (scripts/convert.py, then scripts/quantize.py with mode q8), written when missing into
// bench/.cache/transformers-js-q8/<model>, never committed. The script first folds constants (onnxslim), so
// the Linear weights that the export left as Transpose(W) are plain initializers, then runs onnxruntime's
// ONNXQuantizer in IntegerOps mode (quantize_dynamic) with, for BEiT, per_channel and reduce_range (convert.py
// sets both for every model type but a list of decoders and speech models) and uint8 weights (quantize.py
// takes QUInt8 whenever the graph has a Conv, for onnxruntime-web's ConvInteger). For each node:
// - MatMul whose B is an initializer: B to uint8 per output column (7 bits), A through DynamicQuantizeLinear
//   (shared by the MatMuls that read the same A), MatMulInteger, Cast to float, Mul by A's scale × B's scales;
// - Conv with an initializer weight: the same with ConvInteger and one scale for the whole weight, then the
//   bias added through Reshape [1, −1, 1, 1] + Add;
// - Gather of an initializer (BEiT's relative position bias tables): the table to uint8 (8 bits, one scale),
//   Gather on it, DequantizeLinear after;
// - anything else (Gemm, the attention's MatMuls of two activations, ...) as it was.
// Every weight is written into the file (transformers.js's q8 files of base-size models have no external data).
import { existsSync, mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { externalTensorData } from '../packages/core/src/onnx/onnx-external-data.js';
import { ATTRIBUTE, DATA_TYPE, GRAPH, MODEL, NODE, TENSOR } from '../packages/core/src/onnx/onnx-fields.js';
import { protobufFields, repeatedVarints, type ProtobufField } from '../packages/core/src/onnx/protobuf-fields.js';
import { concatBytes, int64Field, lengthDelimitedField, stringField, varintField } from '../packages/core/src/onnx/protobuf-writer.js';
import { foldWeightTransposes } from '../packages/core/src/session/fold-weight-transposes.js';
import { quantizePerColumn, quantizePerTensor, type QuantizedTensor } from './dynamic-quantization.js';
import { benchDir } from './prepare.js';

/** Weights take 7 bits (reduce_range), activations and Gather tables 8. */
const WEIGHT_QMAX = 127;
const TABLE_QMAX = 255;

const utf8 = new TextDecoder();
const text = (field: ProtobufField) => utf8.decode(field.bytes);

interface Node {
  opType: string;
  domain: string;
  name: string;
  inputs: string[];
  outputs: string[];
  /** The attribute fields, encoded. */
  attributes: Uint8Array[];
  encoded: Uint8Array;
}

interface Initializer {
  dims: number[];
  dataType: number;
  bytes: Uint8Array;
  /** The TensorProto as the graph has it. */
  tensor: Uint8Array;
  external: boolean;
}

function readNode(field: ProtobufField): Node {
  const node: Node = { opType: '', domain: '', name: '', inputs: [], outputs: [], attributes: [], encoded: field.bytes! };
  for (const part of protobufFields(field.bytes!)) {
    if (part.number === NODE.input && part.bytes) node.inputs.push(text(part));
    else if (part.number === NODE.output && part.bytes) node.outputs.push(text(part));
    else if (part.number === NODE.name && part.bytes) node.name = text(part);
    else if (part.number === NODE.opType && part.bytes) node.opType = text(part);
    else if (part.number === NODE.domain && part.bytes) node.domain = text(part);
    else if (part.number === NODE.attribute) node.attributes.push(part.encoded);
  }
  return node;
}

/** An initializer's dims, type and bytes, wherever they are (raw_data, or the external data file). */
function readInitializer(tensor: Uint8Array, externalData: Uint8Array): [string, Initializer] {
  let name = '';
  const external = externalTensorData(tensor);
  const initializer: Initializer = { dims: [], dataType: 0, bytes: new Uint8Array(), tensor, external: external !== undefined };
  for (const part of protobufFields(tensor)) {
    if (part.number === TENSOR.name && part.bytes) name = text(part);
    else if (part.number === TENSOR.dims) initializer.dims.push(...repeatedVarints(part));
    else if (part.number === TENSOR.dataType && part.varint !== undefined) initializer.dataType = part.varint;
    else if (part.number === TENSOR.rawData && part.bytes) initializer.bytes = part.bytes;
  }
  if (external) initializer.bytes = externalData.subarray(external.offset, external.offset + (external.length ?? 0));
  return [name, initializer];
}

function tensorProto(name: string, dataType: number, dims: readonly number[], bytes: Uint8Array): Uint8Array {
  return concatBytes([
    ...dims.map((dim) => int64Field(TENSOR.dims, dim)),
    varintField(TENSOR.dataType, dataType),
    stringField(TENSOR.name, name),
    lengthDelimitedField(TENSOR.rawData, bytes),
  ]);
}

function nodeProto(
  opType: string,
  inputs: readonly string[],
  outputs: readonly string[],
  name: string,
  attributes: Uint8Array[] = [],
): Uint8Array {
  return concatBytes([
    ...inputs.map((input) => stringField(NODE.input, input)),
    ...outputs.map((output) => stringField(NODE.output, output)),
    stringField(NODE.name, name),
    stringField(NODE.opType, opType),
    ...attributes,
  ]);
}

const castToFloat = lengthDelimitedField(
  NODE.attribute,
  concatBytes([stringField(ATTRIBUTE.name, 'to'), int64Field(ATTRIBUTE.i, DATA_TYPE.float32), varintField(20, 2)]),
);

/** A float32 copy (a Node Buffer's slice() is a view of its whole pool, hence the Uint8Array copy). */
const floats = (bytes: Uint8Array) => new Float32Array(new Uint8Array(bytes).buffer);

/** The quantized graph of `model` (its external data in `externalData`), as ONNXQuantizer writes it. */
export function quantizeDynamic(model: Uint8Array, externalData: Uint8Array): Uint8Array {
  const folded = foldWeightTransposes(model, [{ path: 'model.onnx.data', data: externalData }]).graph;
  const modelFields = [...protobufFields(folded)];
  const graphFields = [...protobufFields(modelFields.find((field) => field.number === MODEL.graph)!.bytes!)];
  const initializers = new Map(
    graphFields.filter((field) => field.number === GRAPH.initializer).map((field) => readInitializer(field.bytes!, externalData)),
  );
  const isFloatWeight = (name: string | undefined) => initializers.get(name ?? '')?.dataType === DATA_TYPE.float32;
  const nodes: Uint8Array[] = [];
  const added = new Map<string, Uint8Array>();
  const replaced = new Set<string>();
  const dynamicallyQuantized = new Set<string>();
  const addInitializer = (name: string, dataType: number, dims: readonly number[], bytes: Uint8Array) =>
    added.set(name, tensorProto(name, dataType, dims, bytes));
  const addQuantized = (name: string, dims: readonly number[], { data, scales, zeroPoints }: QuantizedTensor, perChannel: boolean) => {
    replaced.add(name);
    addInitializer(`${name}_quantized`, DATA_TYPE.uint8, dims, data);
    const parameterDims = perChannel ? [scales.length] : [];
    addInitializer(`${name}_scale`, DATA_TYPE.float32, parameterDims, new Uint8Array(scales.buffer));
    addInitializer(`${name}_zero_point`, DATA_TYPE.uint8, parameterDims, zeroPoints);
  };
  /** DynamicQuantizeLinear of an activation, once however many nodes read it. */
  const quantizeActivation = (input: string) => {
    if (!dynamicallyQuantized.has(input)) {
      dynamicallyQuantized.add(input);
      nodes.push(
        nodeProto(
          'DynamicQuantizeLinear',
          [input],
          [`${input}_quantized`, `${input}_scale`, `${input}_zero_point`],
          `${input}_QuantizeLinear`,
        ),
      );
    }
  };
  /** Integer op output → float, scaled by the input's scale × the weight's scale(s). */
  const rescale = (node: Node, integerOutput: string, weight: string, output: string) => {
    const base = node.name === '' ? output : `${node.name}_quant`;
    nodes.push(nodeProto('Cast', [integerOutput], [`${integerOutput}_cast_output`], `${integerOutput}_cast`, [castToFloat]));
    nodes.push(nodeProto('Mul', [`${node.inputs[0]}_scale`, `${weight}_scale`], [`${base}_scales_mul:0`], `${base}_scales_mul`));
    nodes.push(nodeProto('Mul', [`${integerOutput}_cast_output`, `${base}_scales_mul:0`], [output], `${base}_output_scale_mul`));
  };

  for (const field of graphFields) {
    if (field.number !== GRAPH.node) continue;
    const node = readNode(field);
    const standard = node.domain === '' || node.domain === 'ai.onnx';
    const [input, weight] = node.inputs;
    const output = node.outputs[0]!;
    if (standard && node.opType === 'MatMul' && isFloatWeight(weight) && initializers.get(weight!)!.dims.length === 2) {
      const { dims, bytes } = initializers.get(weight!)!;
      addQuantized(weight!, dims, quantizePerColumn(floats(bytes), dims[0]!, dims[1]!, WEIGHT_QMAX), true);
      quantizeActivation(input!);
      const integer = `${output}_output_quantized`;
      nodes.push(
        nodeProto(
          'MatMulInteger',
          [`${input}_quantized`, `${weight}_quantized`, `${input}_zero_point`, `${weight}_zero_point`],
          [integer],
          node.name ? `${node.name}_quant` : '',
        ),
      );
      rescale(node, integer, weight!, output);
    } else if (standard && node.opType === 'Conv' && isFloatWeight(weight)) {
      const { dims, bytes } = initializers.get(weight!)!;
      addQuantized(weight!, dims, quantizePerTensor(floats(bytes), WEIGHT_QMAX), false);
      quantizeActivation(input!);
      const integer = `${output}_output_quantized`;
      nodes.push(
        concatBytes([
          nodeProto(
            'ConvInteger',
            [`${input}_quantized`, `${weight}_quantized`, `${input}_zero_point`, `${weight}_zero_point`],
            [integer],
            node.name ? `${node.name}_quant` : '',
          ),
          ...node.attributes,
        ]),
      );
      const bias = node.inputs[2];
      const scaled = bias ? `${output}_scaled_output` : output;
      rescale(node, integer, weight!, scaled);
      if (bias) {
        const shape = new BigInt64Array(dims.length).fill(1n);
        shape[1] = -1n;
        addInitializer(`${output}_bias_reshape_shape`, DATA_TYPE.int64, [dims.length], new Uint8Array(shape.buffer));
        nodes.push(
          nodeProto('Reshape', [bias, `${output}_bias_reshape_shape`], [`${output}_bias_reshape_output`], `${output}_bias_reshape`),
        );
        nodes.push(nodeProto('Add', [scaled, `${output}_bias_reshape_output`], [output], `${output}_bias_add`));
      }
    } else if (standard && node.opType === 'Gather' && isFloatWeight(input)) {
      const { dims, bytes } = initializers.get(input!)!;
      addQuantized(input!, dims, quantizePerTensor(floats(bytes), TABLE_QMAX), false);
      nodes.push(
        concatBytes([
          nodeProto('Gather', [`${input}_quantized`, ...node.inputs.slice(1)], [`${output}_quantized`], node.name),
          ...node.attributes,
        ]),
      );
      nodes.push(
        nodeProto(
          'DequantizeLinear',
          [`${output}_quantized`, `${input}_scale`, `${input}_zero_point`],
          [output],
          `${output}_DequantizeLinear`,
        ),
      );
    } else {
      nodes.push(node.encoded);
    }
  }

  // A quantized initializer that other nodes still read reaches them dequantized (_dequantize_value).
  const stillRead = new Set(
    nodes.flatMap((node) => readNode({ bytes: node } as ProtobufField).inputs).filter((name) => replaced.has(name)),
  );
  const dequantized = [...stillRead].map((name) =>
    nodeProto('DequantizeLinear', [`${name}_quantized`, `${name}_scale`, `${name}_zero_point`], [name], `${name}_DequantizeLinear`),
  );
  const graph = concatBytes([
    ...[...dequantized, ...nodes].map((node) => lengthDelimitedField(GRAPH.node, node)),
    ...graphFields.filter((field) => field.number !== GRAPH.node && field.number !== GRAPH.initializer).map((field) => field.encoded),
    ...[...initializers]
      .filter(([name]) => !replaced.has(name))
      .map(([name, { dataType, dims, bytes, tensor, external }]) =>
        lengthDelimitedField(GRAPH.initializer, external ? tensorProto(name, dataType, dims, bytes) : tensor),
      ),
    ...[...added.values()].map((tensor) => lengthDelimitedField(GRAPH.initializer, tensor)),
  ]);
  return concatBytes(modelFields.map((field) => (field.number === MODEL.graph ? lengthDelimitedField(MODEL.graph, graph) : field.encoded)));
}

const cacheDir = join(benchDir, '.cache', 'transformers-js-q8');

/** The folder holding `name`'s model_quantized.onnx, made from `modelsDir/name` (model.onnx + model.onnx.data) when missing. */
export function ensureTransformersJsQ8(modelsDir: string, name: string): string {
  const folder = join(cacheDir, name);
  const target = join(folder, 'model_quantized.onnx');
  const source = join(modelsDir, name, 'model.onnx');
  if (existsSync(target) && statSync(target).mtimeMs >= statSync(source).mtimeMs) return folder;
  const started = performance.now();
  mkdirSync(folder, { recursive: true });
  const quantized = quantizeDynamic(readFileSync(source), readFileSync(join(modelsDir, name, 'model.onnx.data')));
  writeFileSync(`${target}.partial`, quantized);
  renameSync(`${target}.partial`, target);
  console.log(
    `${name}: wrote model_quantized.onnx (${(quantized.length / 1e6).toFixed(0)} MB) in ${((performance.now() - started) / 1000).toFixed(1)} s`,
  );
  return folder;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const { benchModelsWithWeights } = await import('./prepare.js');
  const { ensureCheckpoints } = await import('./make-checkpoints.js');
  const names = process.argv.slice(2);
  const models = names.length > 0 ? names : ['beit-base-patch16-224'];
  const modelsDir = await benchModelsWithWeights(models, ensureCheckpoints(models));
  for (const name of models) ensureTransformersJsQ8(modelsDir, name);
}
