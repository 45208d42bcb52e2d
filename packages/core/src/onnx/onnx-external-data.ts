import { DATA_LOCATION_EXTERNAL, ENTRY, TENSOR } from './onnx-fields.js';
import { modelTensors } from './onnx-tensors.js';
import { protobufFields } from './protobuf-fields.js';

/** One external data file of a graph: its bytes, under the location the graph names. */
export interface OnnxExternalData {
  /** The location the graph names, relative to the graph's folder (e.g. `model.onnx.data`). */
  path: string;
  data: Uint8Array;
}

const utf8 = new TextDecoder();

/**
 * The files that hold an ONNX graph's external weights, as its tensors name them (`location`, relative
 * to the graph's folder; initializers, Constant nodes, subgraphs), each once, in order of first use:
 * what onnxruntime will ask for. Empty when every weight is inside the graph. Whether the locations
 * are safe to read is check-onnx-model.ts's business.
 */
export function externalDataLocations(model: Uint8Array): string[] {
  const locations = new Set<string>();
  for (const tensor of modelTensors(model, false)) {
    const external = externalTensorData(tensor);
    if (external) locations.add(external.location);
  }
  return [...locations];
}

/** Where a TensorProto's bytes are in its external file, as onnxruntime reads them. */
export interface ExternalTensorData {
  location: string;
  offset: number;
  /** Undefined when the entry is absent: the tensor's size then says. */
  length: number | undefined;
}

/** A TensorProto's external data entries, if its data_location says EXTERNAL (as onnxruntime checks). */
export function externalTensorData(tensor: Uint8Array): ExternalTensorData | undefined {
  let external = false;
  const entries = new Map<string, string>();
  for (const { number, varint, bytes } of protobufFields(tensor)) {
    if (number === TENSOR.dataLocation) external = varint === DATA_LOCATION_EXTERNAL;
    if (number === TENSOR.externalData && bytes) {
      const [key, value] = entryOf(bytes);
      if (key !== undefined) entries.set(key, value ?? '');
    }
  }
  const location = entries.get('location');
  if (!external || location === undefined) return undefined;
  const length = entries.get('length');
  return { location, offset: Number(entries.get('offset') ?? 0), length: length === undefined ? undefined : Number(length) };
}

/** The key and value of a StringStringEntryProto. */
function entryOf(entry: Uint8Array): [string | undefined, string | undefined] {
  const text = new Map<number, string>();
  for (const { number, bytes } of protobufFields(entry)) if (bytes) text.set(number, utf8.decode(bytes));
  return [text.get(ENTRY.key), text.get(ENTRY.value)];
}
