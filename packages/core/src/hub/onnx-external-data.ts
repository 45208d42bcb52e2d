import { protobufFields } from './protobuf-fields.js';

// Field numbers of onnx.proto.
const MODEL_GRAPH = 7;
const GRAPH_INITIALIZER = 5;
const TENSOR_EXTERNAL_DATA = 13;
const TENSOR_DATA_LOCATION = 14;
const DATA_LOCATION_EXTERNAL = 1;
const ENTRY_KEY = 1;
const ENTRY_VALUE = 2;

const utf8 = new TextDecoder();

/**
 * The files that hold an ONNX graph's external weights, as its initializers name them (`location`,
 * relative to the graph's folder), each once, in order of first use: what onnxruntime will ask for.
 * Empty when every weight is inside the graph.
 */
export function externalDataLocations(model: Uint8Array): string[] {
  const locations = new Set<string>();
  for (const graph of fieldBytes(model, MODEL_GRAPH)) {
    for (const tensor of fieldBytes(graph, GRAPH_INITIALIZER)) {
      const location = externalLocation(tensor);
      if (location !== undefined) locations.add(location);
    }
  }
  return [...locations];
}

function* fieldBytes(message: Uint8Array, number: number): Generator<Uint8Array> {
  for (const field of protobufFields(message)) if (field.number === number && field.bytes) yield field.bytes;
}

/** A TensorProto's `location` entry, if its data_location says EXTERNAL (as onnxruntime checks). */
function externalLocation(tensor: Uint8Array): string | undefined {
  let external = false;
  let location: string | undefined;
  for (const { number, varint, bytes } of protobufFields(tensor)) {
    if (number === TENSOR_DATA_LOCATION) external = varint === DATA_LOCATION_EXTERNAL;
    if (number === TENSOR_EXTERNAL_DATA && bytes) location = locationEntry(bytes) ?? location;
  }
  return external ? location : undefined;
}

/** The value of a StringStringEntryProto whose key is `location`. */
function locationEntry(entry: Uint8Array): string | undefined {
  const text = new Map<number, string>();
  for (const { number, bytes } of protobufFields(entry)) if (bytes) text.set(number, utf8.decode(bytes));
  return text.get(ENTRY_KEY) === 'location' ? text.get(ENTRY_VALUE) : undefined;
}
