// Protobuf's wire format, read just far enough to walk a message's fields without a schema compiler.

const VARINT = 0;
const FIXED64 = 1;
const LENGTH_DELIMITED = 2;
const FIXED32 = 5;

/**
 * A varint field with its value, a length-delimited field with its bytes (a message, a string or packed
 * numbers), or a fixed-width field with neither; each with its whole encoding, to copy it unchanged.
 */
export interface ProtobufField {
  number: number;
  /** Exact up to 2^53, which lengths, enums and flags never reach. */
  varint?: number;
  bytes?: Uint8Array;
  /** Tag, length and value as they are on the wire (a view into the message). */
  encoded: Uint8Array;
}

/**
 * The fields of `message`, in wire order; fixed-width ones without their value. Stops at the first
 * malformed byte: whoever parses the message for real reports it.
 */
export function* protobufFields(message: Uint8Array): Generator<ProtobufField> {
  let offset = 0;
  const readVarint = (): number | undefined => {
    let value = 0;
    for (let scale = 1; offset < message.length; scale *= 128) {
      const byte = message[offset++]!;
      value += (byte & 0x7f) * scale;
      if (byte < 0x80) return value;
    }
    return undefined;
  };

  while (offset < message.length) {
    const start = offset;
    const encoded = () => message.subarray(start, offset);
    const tag = readVarint();
    // Field number 0 does not exist.
    if (tag === undefined || tag < 8) return;
    const number = Math.floor(tag / 8);
    switch (tag % 8) {
      case VARINT: {
        const varint = readVarint();
        if (varint === undefined) return;
        yield { number, varint, encoded: encoded() };
        break;
      }
      case LENGTH_DELIMITED: {
        const length = readVarint();
        if (length === undefined || length > message.length - offset) return;
        const bytes = message.subarray(offset, offset + length);
        offset += length;
        yield { number, bytes, encoded: encoded() };
        break;
      }
      case FIXED64:
      case FIXED32: {
        const width = tag % 8 === FIXED64 ? 8 : 4;
        if (width > message.length - offset) return;
        offset += width;
        yield { number, encoded: encoded() };
        break;
      }
      default:
        // Groups (wire types 3 and 4) are not in ONNX; 6 and 7 do not exist.
        return;
    }
  }
}

/** The values of a repeated varint field, whether written packed (`bytes`) or one field per value. */
export function repeatedVarints(field: ProtobufField): number[] {
  if (field.varint !== undefined) return [field.varint];
  const values: number[] = [];
  const bytes = field.bytes ?? new Uint8Array();
  let value = 0;
  let scale = 1;
  for (const byte of bytes) {
    value += (byte & 0x7f) * scale;
    scale *= 128;
    if (byte < 0x80) {
      values.push(value);
      value = 0;
      scale = 1;
    }
  }
  return values;
}
