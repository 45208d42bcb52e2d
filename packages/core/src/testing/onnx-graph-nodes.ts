// Test-only: the nodes and initializer names of a serialised ONNX model, to check what a built graph computes.
import { DATA_TYPE, GRAPH, MODEL, NODE, TENSOR } from '../onnx/onnx-fields.js';
import { protobufFields } from '../onnx/protobuf-fields.js';

export interface GraphNode {
  readonly name: string;
  readonly opType: string;
  readonly domain: string;
  readonly inputs: readonly string[];
  readonly outputs: readonly string[];
}

const decoder = new TextDecoder();

function fieldsOf(message: Uint8Array, number: number): Uint8Array[] {
  return [...protobufFields(message)].filter((field) => field.number === number).map((field) => field.bytes!);
}

function stringsOf(message: Uint8Array, number: number): string[] {
  return fieldsOf(message, number).map((bytes) => decoder.decode(bytes));
}

/** The main graph's nodes (in order), the names of its initializers and of its int64 ones. */
export function readGraphNodes(model: Uint8Array): { nodes: GraphNode[]; initializers: Set<string>; int64Initializers: Set<string> } {
  const graph = fieldsOf(model, MODEL.graph)[0]!;
  const nodes = fieldsOf(graph, GRAPH.node).map((node) => ({
    name: stringsOf(node, NODE.name)[0] ?? '',
    opType: stringsOf(node, NODE.opType)[0]!,
    domain: stringsOf(node, NODE.domain)[0] ?? '',
    inputs: stringsOf(node, NODE.input),
    outputs: stringsOf(node, NODE.output),
  }));
  const tensors = fieldsOf(graph, GRAPH.initializer);
  const initializers = new Set(tensors.map((tensor) => stringsOf(tensor, TENSOR.name)[0]!));
  const isInt64 = (tensor: Uint8Array) =>
    [...protobufFields(tensor)].some((field) => field.number === TENSOR.dataType && field.varint === DATA_TYPE.int64);
  const int64Initializers = new Set(tensors.filter(isInt64).map((tensor) => stringsOf(tensor, TENSOR.name)[0]!));
  return { nodes, initializers, int64Initializers };
}

/** Nodes whose every input is a constant: weight-only work left to the session. */
export function constantNodes(model: Uint8Array): GraphNode[] {
  const { nodes, initializers } = readGraphNodes(model);
  const constant = new Set(initializers);
  const folded: GraphNode[] = [];
  for (const node of nodes) {
    const inputs = node.inputs.filter((input) => input !== '');
    if (inputs.length > 0 && inputs.every((input) => constant.has(input))) {
      folded.push(node);
      node.outputs.forEach((output) => constant.add(output));
    }
  }
  return folded;
}

/**
 * Shape computation: the Shape nodes, and the nodes that compute only from their outputs and int64
 * constants, e.g. BiT's TF-"SAME" pads (not an Expand of a float weight to a shape). onnxruntime keeps
 * such work on the CPU on purpose.
 */
export function shapeComputationNodes(model: Uint8Array): GraphNode[] {
  const { nodes, int64Initializers } = readGraphNodes(model);
  const fromShapes = new Set<string>();
  const shapeNodes: GraphNode[] = [];
  for (const node of nodes) {
    const inputs = node.inputs.filter((input) => input !== '');
    const isShapeWork =
      node.opType === 'Shape' ||
      (inputs.some((input) => fromShapes.has(input)) && inputs.every((input) => fromShapes.has(input) || int64Initializers.has(input)));
    if (!isShapeWork) continue;
    shapeNodes.push(node);
    node.outputs.forEach((output) => fromShapes.add(output));
  }
  return shapeNodes;
}
