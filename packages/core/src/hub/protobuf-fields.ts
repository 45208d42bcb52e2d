// Protobuf's wire format, read just far enough to walk a message's fields without a schema compiler.

const VARINT = 0;
const FIXED64 = 1;
const LENGTH_DELIMITED = 2;
const FIXED32 = 5;

/** A varint field with its value, or a length-delimited field with its bytes (a message, a string or packed numbers). */
export interface ProtobufField {
  number: number;
  /** Exact up to 2^53, which lengths, enums and flags never reach. */
  varint?: number;
  bytes?: Uint8Array;
}

/**
 * The varint and length-delimited fields of `message`, in wire order; fixed-width fields are skipped.
 * Stops at the first malformed byte: whoever parses the message for real reports it.
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
    const tag = readVarint();
    // Field number 0 does not exist.
    if (tag === undefined || tag < 8) return;
    const number = Math.floor(tag / 8);
    switch (tag % 8) {
      case VARINT: {
        const varint = readVarint();
        if (varint === undefined) return;
        yield { number, varint };
        break;
      }
      case LENGTH_DELIMITED: {
        const length = readVarint();
        if (length === undefined || length > message.length - offset) return;
        yield { number, bytes: message.subarray(offset, offset + length) };
        offset += length;
        break;
      }
      case FIXED64:
        offset += 8;
        break;
      case FIXED32:
        offset += 4;
        break;
      default:
        // Groups (wire types 3 and 4) are not in ONNX; 6 and 7 do not exist.
        return;
    }
  }
}
