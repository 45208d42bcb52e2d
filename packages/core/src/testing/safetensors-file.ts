// Test-only: reads safetensors headers and writes safetensors files by hand, independently of the reader under test.

export interface RawSafetensorsEntry {
  dtype: string;
  shape: number[];
  data_offsets: [number, number];
}

/** The header JSON and where the data starts, read with nothing but DataView and JSON.parse. */
export function rawSafetensorsHeader(bytes: Uint8Array): { header: Record<string, RawSafetensorsEntry>; dataStart: number } {
  const length = Number(new DataView(bytes.buffer, bytes.byteOffset, 8).getBigUint64(0, true));
  const header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + length))) as Record<string, RawSafetensorsEntry>;
  delete header.__metadata__;
  return { header, dataStart: 8 + length };
}

/** Writes a header object (any JSON, valid or not) and data bytes as a safetensors file. */
export function safetensorsFile(header: unknown, data: Uint8Array = new Uint8Array(), headerLength?: number): Uint8Array {
  const json = new TextEncoder().encode(JSON.stringify(header));
  const out = new Uint8Array(8 + json.length + data.length);
  new DataView(out.buffer).setBigUint64(0, BigInt(headerLength ?? json.length), true);
  out.set(json, 8);
  out.set(data, 8 + json.length);
  return out;
}

/** Packs tensors' bytes one after another into a safetensors file. */
export function packSafetensors(
  tensors: readonly { name: string; dtype: string; shape: number[]; bytes: Uint8Array }[],
  metadata?: Record<string, string>,
): Uint8Array {
  const header: Record<string, unknown> = metadata ? { __metadata__: metadata } : {};
  let offset = 0;
  for (const { name, dtype, shape, bytes } of tensors) {
    header[name] = { dtype, shape, data_offsets: [offset, offset + bytes.length] };
    offset += bytes.length;
  }
  const data = new Uint8Array(offset);
  offset = 0;
  for (const { bytes } of tensors) {
    data.set(bytes, offset);
    offset += bytes.length;
  }
  return safetensorsFile(header, data);
}
