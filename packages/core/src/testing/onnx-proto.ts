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
/** A ValueInfoProto (graph input 11 / output 12) of a tensor of that length (1-D) or those dims; elemType 1 = float32, 10 = float16. */
export const tensorValueInfo = (field: number, name: string, elemType: number, dims: number | readonly number[]) => {
  const shape = (typeof dims === 'number' ? [dims] : dims).flatMap((dim) => bytesField(1, int(1, dim)));
  return bytesField(field, [...str(1, name), ...bytesField(2, bytesField(1, [...int(1, elemType), ...bytesField(2, shape)]))]);
};
/** A TensorProto float32[3] whose 12 bytes are at the start of the file `location` (data_location 14 = EXTERNAL). */
export const externalTensor = (name: string, location: string) => [
  ...int(1, 3),
  ...int(2, 1),
  ...str(8, name),
  ...entry('location', location),
  ...entry('offset', '0'),
  ...entry('length', '12'),
  ...int(14, 1),
];
/** A GraphProto's node field: a NodeProto with those inputs, outputs and AttributeProto contents. */
export const nodeField = (op: string, inputs: string[], outputs: string[], attributes: number[][] = []) =>
  bytesField(1, [
    ...inputs.flatMap((name) => str(1, name)),
    ...outputs.flatMap((name) => str(2, name)),
    ...str(4, op),
    ...attributes.flatMap((a) => bytesField(5, a)),
  ]);
/** A ModelProto (IR 8, opset 17) around the fields of its GraphProto. */
export const modelProto = (graph: number[]) =>
  new Uint8Array([...int(1, 8), ...bytesField(7, graph), ...bytesField(8, [...str(1, ''), ...int(2, 17)])]);

/**
 * Y = X + W on float32[3], W = [10, 20, 30] stored in the file `location` beside the graph; W is an
 * initializer, or with `constantNode` the value of a Constant node.
 */
export function addModelWithExternalWeight(
  location = 'model.onnx.data',
  { constantNode = false } = {},
): { graph: Uint8Array; data: Uint8Array } {
  const weight = constantNode
    ? nodeField('Constant', [], ['W'], [[...str(1, 'value'), ...bytesField(5, externalTensor('W', location)), ...int(20, 4)]])
    : bytesField(5, externalTensor('W', location));
  const graph = [
    ...nodeField('Add', ['X', 'W'], ['Y']),
    ...str(2, 'add'),
    ...weight,
    ...tensorValueInfo(11, 'X', 1, 3),
    ...tensorValueInfo(12, 'Y', 1, 3),
  ];
  return { graph: modelProto(graph), data: new Uint8Array(new Float32Array([10, 20, 30]).buffer) };
}
