import { ENTRY, MODEL } from '../onnx/onnx-fields.js';
import { protobufFields } from '../onnx/protobuf-fields.js';

const utf8 = new TextDecoder();

/** A model's metadata_props (empty when it has none), read without parsing the graph. */
export function readGraphMetadata(model: Uint8Array): Record<string, string> {
  const metadata: Record<string, string> = {};
  for (const field of protobufFields(model)) {
    if (field.number !== MODEL.metadataProps || !field.bytes) continue;
    const text = new Map<number, string>();
    for (const { number, bytes } of protobufFields(field.bytes)) if (bytes) text.set(number, utf8.decode(bytes));
    const key = text.get(ENTRY.key);
    if (key !== undefined) metadata[key] = text.get(ENTRY.value) ?? '';
  }
  return metadata;
}
