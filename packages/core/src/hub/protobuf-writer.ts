// Protobuf's wire format, written: just what rewriting a few fields of a message takes.

const VARINT = 0;
const LENGTH_DELIMITED = 2;

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
