// Test-only: the nodes and initializer names of a serialised ONNX model, to check what a built graph computes.
import { GRAPH, MODEL, NODE, TENSOR } from '../hub/onnx-fields.js';
import { protobufFields } from '../hub/protobuf-fields.js';

export interface GraphNode {
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

/** The main graph's nodes (in order) and the names of its initializers. */
export function readGraphNodes(model: Uint8Array): { nodes: GraphNode[]; initializers: Set<string> } {
  const graph = fieldsOf(model, MODEL.graph)[0]!;
  const nodes = fieldsOf(graph, GRAPH.node).map((node) => ({
    opType: stringsOf(node, NODE.opType)[0]!,
    domain: stringsOf(node, NODE.domain)[0] ?? '',
    inputs: stringsOf(node, NODE.input),
    outputs: stringsOf(node, NODE.output),
  }));
  const initializers = new Set(fieldsOf(graph, GRAPH.initializer).map((tensor) => stringsOf(tensor, TENSOR.name)[0]!));
  return { nodes, initializers };
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
