// Test-only: just enough protobuf to write tiny ONNX models (varint and length-delimited fields).
export const varint = (value: number): number[] => {
  const bytes: number[] = [];
  for (; value > 0x7f; value >>>= 7) bytes.push((value & 0x7f) | 0x80);
  return [...bytes, value];
};
export const int = (field: number, value: number) => [...varint(field << 3), ...varint(value)];
export const bytesField = (field: number, content: number[]) => [...varint((field << 3) | 2), ...varint(content.length), ...content];
export const str = (field: number, text: string) => bytesField(field, [...new TextEncoder().encode(text)]);
export const entry = (key: string, value: string) => bytesField(13, [...str(1, key), ...str(2, value)]);
/** A ValueInfoProto (graph input 11 / output 12) of a 1-D tensor; elemType 1 = float32, 10 = float16. */
export const tensorValueInfo = (field: number, name: string, elemType: number, length: number) =>
  bytesField(field, [...str(1, name), ...bytesField(2, bytesField(1, [...int(1, elemType), ...bytesField(2, bytesField(1, int(1, length)))]))]);
