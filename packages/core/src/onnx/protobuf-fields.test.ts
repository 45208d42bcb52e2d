import { describe, expect, it } from 'vitest';
import { bytesField, int, str, varint } from '../testing/onnx-proto.js';
import { protobufFields, repeatedVarints } from './protobuf-fields.js';

// Values only; the encoding is checked on its own.
const fieldsOf = (bytes: number[]) => [...protobufFields(new Uint8Array(bytes))].map(({ encoded: _, ...value }) => value);

describe('protobufFields', () => {
  it('reads varints of one to several bytes, beyond 32 bits', () => {
    const beyond32Bits = [...varint(1 << 4), 0x80, 0x80, 0x80, 0x80, 0x80, 0x01]; // field 2, value 2^35
    expect(fieldsOf([...int(1, 5), ...int(300, 150), ...beyond32Bits])).toEqual([
      { number: 1, varint: 5 },
      { number: 300, varint: 150 },
      { number: 2, varint: 2 ** 35 },
    ]);
  });

  it('gives length-delimited fields as views of their bytes, nested messages included', () => {
    const [outer] = [...protobufFields(new Uint8Array(bytesField(7, [...str(1, 'W'), ...int(2, 1)])))];
    expect(outer?.number).toBe(7);
    expect([...protobufFields(outer!.bytes!)].map(({ encoded: _, ...value }) => value)).toEqual([
      { number: 1, bytes: new TextEncoder().encode('W') },
      { number: 2, varint: 1 },
    ]);
  });

  it('gives fixed-width fields without a value', () => {
    const fixed64 = [...varint((3 << 3) | 1), 1, 2, 3, 4, 5, 6, 7, 8];
    const fixed32 = [...varint((4 << 3) | 5), 1, 2, 3, 4];
    expect(fieldsOf([...fixed64, ...int(1, 9), ...fixed32, ...int(2, 10)])).toEqual([
      { number: 3 },
      { number: 1, varint: 9 },
      { number: 4 },
      { number: 2, varint: 10 },
    ]);
  });

  it('gives each field its encoding: the message is those encodings end to end', () => {
    const message = [
      ...int(1, 300),
      ...bytesField(2, [...str(1, 'W')]),
      ...varint((3 << 3) | 5),
      1,
      2,
      3,
      4,
      ...varint((4 << 3) | 1),
      1,
      2,
      3,
      4,
      5,
      6,
      7,
      8,
    ];
    const encodings = [...protobufFields(new Uint8Array(message))].map((field) => [...field.encoded]);
    expect(encodings).toEqual([
      int(1, 300),
      bytesField(2, str(1, 'W')),
      [...varint((3 << 3) | 5), 1, 2, 3, 4],
      [...varint((4 << 3) | 1), 1, 2, 3, 4, 5, 6, 7, 8],
    ]);
  });

  it('reads repeated varints packed or one per field', () => {
    const [packed] = [...protobufFields(new Uint8Array(bytesField(1, [...varint(3), ...varint(300), ...varint(70_000)])))];
    const [single] = [...protobufFields(new Uint8Array(int(1, 768)))];
    expect(repeatedVarints(packed!)).toEqual([3, 300, 70_000]);
    expect(repeatedVarints(single!)).toEqual([768]);
  });

  it.each([
    ['a length past the end', [...int(1, 1), ...varint((2 << 3) | 2), 5, 1, 2]],
    ['a fixed-width value cut off', [...int(1, 1), ...varint((2 << 3) | 5), 1, 2]],
    ['a varint cut off', [...int(1, 1), ...varint(2 << 3), 0x80]],
    ['a group wire type', [...int(1, 1), ...varint((2 << 3) | 3)]],
    ['field number 0', [...int(1, 1), 0x00, ...int(2, 2)]],
  ])('stops at %s, after the fields before it', (_, bytes) => {
    expect(fieldsOf(bytes)).toEqual([{ number: 1, varint: 1 }]);
  });
});
