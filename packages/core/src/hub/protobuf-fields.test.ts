import { describe, expect, it } from 'vitest';
import { bytesField, int, str, varint } from '../testing/onnx-proto.js';
import { protobufFields } from './protobuf-fields.js';

const fieldsOf = (bytes: number[]) => [...protobufFields(new Uint8Array(bytes))];

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
    const [outer] = fieldsOf(bytesField(7, [...str(1, 'W'), ...int(2, 1)]));
    expect(outer?.number).toBe(7);
    expect([...protobufFields(outer!.bytes!)]).toEqual([
      { number: 1, bytes: new TextEncoder().encode('W') },
      { number: 2, varint: 1 },
    ]);
  });

  it('skips fixed-width fields', () => {
    const fixed64 = [...varint((3 << 3) | 1), 1, 2, 3, 4, 5, 6, 7, 8];
    const fixed32 = [...varint((4 << 3) | 5), 1, 2, 3, 4];
    expect(fieldsOf([...fixed64, ...int(1, 9), ...fixed32, ...int(2, 10)])).toEqual([
      { number: 1, varint: 9 },
      { number: 2, varint: 10 },
    ]);
  });

  it.each([
    ['a length past the end', [...int(1, 1), ...varint((2 << 3) | 2), 5, 1, 2]],
    ['a varint cut off', [...int(1, 1), ...varint(2 << 3), 0x80]],
    ['a group wire type', [...int(1, 1), ...varint((2 << 3) | 3)]],
    ['field number 0', [...int(1, 1), 0x00, ...int(2, 2)]],
  ])('stops at %s, after the fields before it', (_, bytes) => {
    expect(fieldsOf(bytes)).toEqual([{ number: 1, varint: 1 }]);
  });
});
