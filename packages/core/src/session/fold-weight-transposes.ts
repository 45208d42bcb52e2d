// Graphs exported without constant folding keep each Linear weight as Transpose(W). onnxruntime folds
// those while it creates the session, holding W and its transpose side by side: on BEiT-base that adds
// about 65 MB to the WebAssembly heap, which never shrinks. Transposing the weights where they already
// are, in the external-data buffer Retina just downloaded, hands onnxruntime the folded graph instead.
import type { OnnxExternalData } from '../onnx/onnx-external-data.js';
import { externalTensorData, type ExternalTensorData } from '../onnx/onnx-external-data.js';
import { ATTRIBUTE, GRAPH, MODEL, NODE, TENSOR, VALUE_INFO } from '../onnx/onnx-fields.js';
import { protobufFields, repeatedVarints, type ProtobufField } from '../onnx/protobuf-fields.js';
import { concatBytes, lengthDelimitedField, stringField, varintField } from '../onnx/protobuf-writer.js';
import { transposeInPlace, type ElementBytes } from './transpose-in-place.js';

/** Bytes per element of TensorProto.DataType values with a fixed width. */
const ELEMENT_BYTES: Readonly<Record<number, ElementBytes>> = {
  1: 4,
  2: 1,
  3: 1,
  4: 2,
  5: 2,
  6: 4,
  7: 8,
  9: 1,
  10: 2,
  11: 8,
  12: 4,
  13: 8,
  16: 2,
};

const utf8 = new TextDecoder();

interface Node {
  field: ProtobufField;
  opType: string;
  domain: string;
  inputs: string[];
  outputs: string[];
  /** The `perm` attribute, if given. */
  perm: number[] | undefined;
}

interface Initializer {
  field: ProtobufField;
  name: string;
  dims: number[];
  dataType: number;
  external: ExternalTensorData | undefined;
}

/** A Transpose of a 2-D external weight that only it reads, and where the transposed bytes go. */
interface Fold {
  node: Node;
  initializer: Initializer;
  data: Uint8Array;
  offset: number;
}

export interface FoldedModel {
  graph: Uint8Array;
  /** How many Transpose nodes were folded into their weights. */
  folded: number;
}

// Matrices already transposed in place, per buffer: a repo that hands out the same bytes again gets
// the graph folded without transposing them back.
const transposedMatrices = new WeakMap<ArrayBufferLike, Set<string>>();

const text = (field: ProtobufField) => utf8.decode(field.bytes);
/** onnxruntime reads `./model.onnx.data` and `model.onnx.data` as the same file. */
const fileKey = (location: string) => location.replace(/^\.\//, '');

function readNode(field: ProtobufField): Node {
  const node: Node = { field, opType: '', domain: '', inputs: [], outputs: [], perm: undefined };
  for (const part of protobufFields(field.bytes!)) {
    if (part.number === NODE.input && part.bytes) node.inputs.push(text(part));
    else if (part.number === NODE.output && part.bytes) node.outputs.push(text(part));
    else if (part.number === NODE.opType && part.bytes) node.opType = text(part);
    else if (part.number === NODE.domain && part.bytes) node.domain = text(part);
    else if (part.number === NODE.attribute && part.bytes) {
      const attribute = [...protobufFields(part.bytes)];
      const name = attribute.find((a) => a.number === ATTRIBUTE.name && a.bytes);
      if (name && text(name) === 'perm') node.perm = attribute.filter((a) => a.number === ATTRIBUTE.ints).flatMap(repeatedVarints);
    }
  }
  return node;
}

/** The bytes of a fixed-width tensor (0 for other element types). */
function dataBytes({ dims, dataType }: Initializer): number {
  return dims.reduce((count, dim) => count * dim, ELEMENT_BYTES[dataType] ?? 0);
}

function readInitializer(field: ProtobufField): Initializer {
  const initializer: Initializer = { field, name: '', dims: [], dataType: 0, external: externalTensorData(field.bytes!) };
  for (const part of protobufFields(field.bytes!)) {
    if (part.number === TENSOR.dims) initializer.dims.push(...repeatedVarints(part));
    else if (part.number === TENSOR.dataType && part.varint !== undefined) initializer.dataType = part.varint;
    else if (part.number === TENSOR.name && part.bytes) initializer.name = text(part);
  }
  return initializer;
}

/** How often each name is read as a node input, in the graph and in every subgraph of its nodes. */
function countInputUses(graph: Uint8Array, uses: Map<string, number>): void {
  for (const field of protobufFields(graph)) {
    if (field.number !== GRAPH.node || !field.bytes) continue;
    for (const part of protobufFields(field.bytes)) {
      if (part.number === NODE.input && part.bytes) uses.set(text(part), (uses.get(text(part)) ?? 0) + 1);
      if (part.number !== NODE.attribute || !part.bytes) continue;
      for (const attribute of protobufFields(part.bytes)) {
        if ((attribute.number === ATTRIBUTE.graph || attribute.number === ATTRIBUTE.graphs) && attribute.bytes)
          countInputUses(attribute.bytes, uses);
      }
    }
  }
}

function findFold(node: Node, context: FoldContext): Fold | undefined {
  if (node.opType !== 'Transpose' || (node.domain !== '' && node.domain !== 'ai.onnx')) return undefined;
  if (node.inputs.length !== 1 || node.outputs.length !== 1) return undefined;
  if (node.perm !== undefined && (node.perm.length !== 2 || node.perm[0] !== 1 || node.perm[1] !== 0)) return undefined;
  const [input] = node.inputs as [string];
  const [output] = node.outputs as [string];
  const initializer = context.initializers.get(input);
  if (!initializer || initializer.dims.length !== 2) return undefined;
  // Read elsewhere, the weight must stay as it is; a graph input may be overridden by a feed.
  if (context.uses.get(input) !== 1 || context.graphIo.has(input) || context.graphIo.has(output)) return undefined;
  const elementBytes = ELEMENT_BYTES[initializer.dataType];
  const { external } = initializer;
  const data = external && context.externalData.get(fileKey(external.location));
  if (!elementBytes || !external || !data) return undefined;
  const length = dataBytes(initializer);
  if (external.length !== undefined && external.length !== length) return undefined;
  if (!Number.isSafeInteger(external.offset) || external.offset < 0 || external.offset + length > data.length) return undefined;
  // Bytes another initializer also reads (tied weights stored once) must keep their layout.
  const end = external.offset + length;
  const ranges = context.ranges.get(fileKey(external.location)) ?? [];
  if (ranges.some((range) => range.initializer !== initializer && range.start < end && external.offset < range.end)) return undefined;
  return { node, initializer, data, offset: external.offset };
}

interface FoldContext {
  /** Undefined for a name more than one initializer has. */
  initializers: Map<string, Initializer | undefined>;
  /** Every external initializer's byte range, per file. */
  ranges: Map<string, { initializer: Initializer; start: number; end: number }[]>;
  uses: Map<string, number>;
  /** Names of the graph's inputs and outputs. */
  graphIo: Set<string>;
  externalData: Map<string, Uint8Array>;
}

/** The initializer renamed to the Transpose's output, with its dims swapped. */
function foldedInitializer({ initializer, node }: Fold): Uint8Array {
  const parts: Uint8Array[] = [];
  for (const field of protobufFields(initializer.field.bytes!)) {
    if (field.number === TENSOR.dims) continue;
    parts.push(field.number === TENSOR.name ? stringField(TENSOR.name, node.outputs[0]!) : field.encoded);
  }
  const dims = [initializer.dims[1]!, initializer.dims[0]!].map((dim) => varintField(TENSOR.dims, dim));
  return lengthDelimitedField(GRAPH.initializer, concatBytes([...dims, ...parts]));
}

/**
 * Folds every Transpose that reads nothing but a 2-D weight held in external data: the weight's bytes
 * are transposed in their external-data buffer (changed in place), the initializer takes the
 * Transpose's output name and swapped dims, and the node goes. Inline weights are left to
 * onnxruntime: rewriting them would mean a second copy of the whole graph. Returns the graph unchanged
 * when there is nothing to fold.
 */
export function foldWeightTransposes(model: Uint8Array, externalData: readonly OnnxExternalData[]): FoldedModel {
  if (externalData.length === 0) return { graph: model, folded: 0 };
  const modelFields = [...protobufFields(model)];
  const graphField = modelFields.find((field) => field.number === MODEL.graph && field.bytes);
  if (!graphField) return { graph: model, folded: 0 };
  const graphFields = [...protobufFields(graphField.bytes!)];
  const context: FoldContext = {
    initializers: new Map(),
    ranges: new Map(),
    uses: new Map(),
    graphIo: new Set(),
    externalData: new Map(externalData.map(({ path, data }) => [fileKey(path), data])),
  };
  for (const field of graphFields) {
    if (field.number === GRAPH.initializer && field.bytes) {
      const initializer = readInitializer(field);
      // A name given twice is left alone: which one onnxruntime keeps is not ours to guess.
      context.initializers.set(initializer.name, context.initializers.has(initializer.name) ? undefined : initializer);
      const { external } = initializer;
      if (external) {
        const key = fileKey(external.location);
        const length = external.length ?? dataBytes(initializer);
        const ranges = context.ranges.get(key) ?? context.ranges.set(key, []).get(key)!;
        ranges.push({ initializer, start: external.offset, end: external.offset + length });
      }
    }
    if ((field.number === GRAPH.input || field.number === GRAPH.output) && field.bytes) {
      const name = [...protobufFields(field.bytes)].find((part) => part.number === VALUE_INFO.name && part.bytes);
      if (name) context.graphIo.add(text(name));
    }
  }
  countInputUses(graphField.bytes!, context.uses);

  const folds = graphFields.flatMap((field) => {
    const fold = field.number === GRAPH.node && field.bytes ? findFold(readNode(field), context) : undefined;
    return fold ? [fold] : [];
  });
  if (folds.length === 0) return { graph: model, folded: 0 };

  const droppedNodes = new Set(folds.map((fold) => fold.node.field));
  const foldByInitializer = new Map(folds.map((fold) => [fold.initializer.field, fold]));
  const scratch = new ArrayBuffer(Math.max(...folds.map(({ initializer }) => dataBytes(initializer))));
  const graphParts: Uint8Array[] = [];
  for (const field of graphFields) {
    if (droppedNodes.has(field)) continue;
    const fold = foldByInitializer.get(field);
    if (!fold) graphParts.push(field.encoded);
    else {
      const [rows, cols] = fold.initializer.dims as [number, number];
      const elementBytes = ELEMENT_BYTES[fold.initializer.dataType]!;
      const done = transposedMatrices.get(fold.data.buffer) ?? new Set();
      const matrix = `${fold.data.byteOffset + fold.offset}:${rows}x${cols}x${elementBytes}`;
      if (!done.has(matrix)) transposeInPlace(fold.data, fold.offset, rows, cols, elementBytes, scratch);
      transposedMatrices.set(fold.data.buffer, done.add(matrix));
      graphParts.push(foldedInitializer(fold));
    }
  }
  const graph = concatBytes(
    modelFields.map((field) => (field === graphField ? lengthDelimitedField(MODEL.graph, concatBytes(graphParts)) : field.encoded)),
  );
  return { graph, folded: folds.length };
}
