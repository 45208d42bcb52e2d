// Protobuf's wire format, written: what rewriting a few fields of a message, or building an ONNX graph, takes.

const VARINT = 0;
const LENGTH_DELIMITED = 2;
const FIXED32 = 5;

function varintBytes(value: number): number[] {
  const bytes: number[] = [];
  // Division, not shifts: values may pass 2^31.
  for (; value > 0x7f; value = Math.floor(value / 128)) bytes.push((value % 128) | 0x80);
  bytes.push(value);
  return bytes;
}

/** A varint field; `value` is a non-negative integer below 2^53. */
export function varintField(number: number, value: number): Uint8Array {
  return new Uint8Array([...varintBytes(number * 8 + VARINT), ...varintBytes(value)]);
}

/** An int64 varint field; negative values take ten bytes (two's complement), as protobuf writes them. */
export function int64Field(number: number, value: number): Uint8Array {
  return new Uint8Array([...varintBytes(number * 8 + VARINT), ...int64Bytes(value)]);
}

/** The payload of a packed `repeated int64`. */
export function packedInt64(values: readonly number[]): Uint8Array {
  return new Uint8Array(values.flatMap(int64Bytes));
}

function int64Bytes(value: number): number[] {
  if (!Number.isSafeInteger(value)) throw new RangeError(`int64 field value ${value} is not a safe integer`);
  if (value >= 0) return varintBytes(value);
  const bytes: number[] = [];
  let bits = BigInt.asUintN(64, BigInt(value));
  for (; bits > 0x7fn; bits >>= 7n) bytes.push(Number(bits & 0x7fn) | 0x80);
  bytes.push(Number(bits));
  return bytes;
}

/** A float field (fixed32, IEEE single precision, little-endian). */
export function floatField(number: number, value: number): Uint8Array {
  const field = new Uint8Array([...varintBytes(number * 8 + FIXED32), 0, 0, 0, 0]);
  new DataView(field.buffer).setFloat32(field.length - 4, value, true);
  return field;
}

/** A length-delimited field around `payload` (a message, a string or packed numbers). */
export function lengthDelimitedField(number: number, payload: Uint8Array): Uint8Array {
  const head = [...varintBytes(number * 8 + LENGTH_DELIMITED), ...varintBytes(payload.length)];
  return concatBytes([new Uint8Array(head), payload]);
}

/** A string field, UTF-8 encoded. */
export function stringField(number: number, text: string): Uint8Array {
  return lengthDelimitedField(number, new TextEncoder().encode(text));
}

export function concatBytes(parts: readonly Uint8Array[]): Uint8Array {
  const joined = new Uint8Array(parts.reduce((total, part) => total + part.length, 0));
  let offset = 0;
  for (const part of parts) {
    joined.set(part, offset);
    offset += part.length;
  }
  return joined;
}
