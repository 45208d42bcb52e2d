import { ATTRIBUTE, FUNCTION, GRAPH, MODEL, NODE, SPARSE_TENSOR, TRAINING_INFO } from './onnx-fields.js';
import { protobufFields, type ProtobufField } from './protobuf-fields.js';

type Message = 'model' | 'trainingInfo' | 'function' | 'graph' | 'node' | 'attribute' | 'sparseTensor';
type Child = Message | 'tensor';

/** Where onnx.proto lets a TensorProto be, directly or through nested messages: every place onnxruntime may load one from. */
const CHILDREN: Readonly<Record<Message, Readonly<Record<number, Child>>>> = {
  model: { [MODEL.graph]: 'graph', [MODEL.trainingInfo]: 'trainingInfo', [MODEL.functions]: 'function' },
  trainingInfo: { [TRAINING_INFO.initialization]: 'graph', [TRAINING_INFO.algorithm]: 'graph' },
  function: { [FUNCTION.node]: 'node', [FUNCTION.attributeProto]: 'attribute' },
  graph: { [GRAPH.node]: 'node', [GRAPH.initializer]: 'tensor', [GRAPH.sparseInitializer]: 'sparseTensor' },
  node: { [NODE.attribute]: 'attribute' },
  // A Constant node's `value` is an attribute tensor; If, Loop and Scan bodies are attribute graphs.
  attribute: {
    [ATTRIBUTE.tensor]: 'tensor',
    [ATTRIBUTE.tensors]: 'tensor',
    [ATTRIBUTE.graph]: 'graph',
    [ATTRIBUTE.graphs]: 'graph',
    [ATTRIBUTE.sparseTensor]: 'sparseTensor',
    [ATTRIBUTE.sparseTensors]: 'sparseTensor',
  },
  sparseTensor: { [SPARSE_TENSOR.values]: 'tensor', [SPARSE_TENSOR.indices]: 'tensor' },
};

/** protobuf's default recursion limit, which onnxruntime parses graphs with: deeper models do not load. */
const MAX_DEPTH = 100;

/** Why a model does not parse, and where. */
export class MalformedModelError extends Error {
  override readonly name = 'MalformedModelError';
}

/**
 * The fields of `message`; when `strict`, throws a {@link MalformedModelError} unless they run exactly
 * to its end (protobuf would otherwise read on past what Retina could see, e.g. through a group).
 */
export function* messageFields(message: Uint8Array, strict: boolean): Generator<ProtobufField> {
  let end = 0;
  for (const field of protobufFields(message)) {
    end = field.encoded.byteOffset - message.byteOffset + field.encoded.length;
    yield field;
  }
  if (strict && end !== message.length) throw new MalformedModelError(`a message of ${message.length} bytes stops parsing at byte ${end}`);
}

/**
 * Every TensorProto of an ONNX model, in file order, wherever it is: graph initializers (dense and
 * sparse), attribute tensors such as Constant nodes' values, and the same inside subgraphs, model
 * functions and training graphs. When `strict`, a message on the way that does not parse to its end,
 * or nesting deeper than protobuf reads, throws a {@link MalformedModelError}; else the walk skips it.
 */
export function* modelTensors(model: Uint8Array, strict: boolean): Generator<Uint8Array> {
  yield* tensorsIn(model, 'model', 0, strict);
}

function* tensorsIn(message: Uint8Array, kind: Message, depth: number, strict: boolean): Generator<Uint8Array> {
  if (depth >= MAX_DEPTH) {
    if (strict) throw new MalformedModelError(`messages are nested more than ${MAX_DEPTH} deep`);
    return;
  }
  for (const field of messageFields(message, strict)) {
    const child = CHILDREN[kind][field.number];
    // A known field number with another wire type is an unknown field to protobuf, too.
    if (child === undefined || field.bytes === undefined) continue;
    if (child === 'tensor') yield field.bytes;
    else yield* tensorsIn(field.bytes, child, depth + 1, strict);
  }
}
