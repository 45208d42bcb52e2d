// Field numbers and enums of onnx.proto, for the messages Retina reads, rewrites or builds without a schema compiler.

export const MODEL = {
  irVersion: 1,
  producerName: 2,
  producerVersion: 3,
  graph: 7,
  opsetImport: 8,
  metadataProps: 14,
  trainingInfo: 20,
  functions: 25,
} as const;
export const OPERATOR_SET_ID = { domain: 1, version: 2 } as const;
export const GRAPH = { node: 1, name: 2, initializer: 5, input: 11, output: 12, sparseInitializer: 15 } as const;
export const NODE = { input: 1, output: 2, name: 3, opType: 4, attribute: 5, domain: 7 } as const;
export const ATTRIBUTE = {
  name: 1,
  f: 2,
  i: 3,
  s: 4,
  tensor: 5,
  graph: 6,
  floats: 7,
  ints: 8,
  tensors: 10,
  graphs: 11,
  type: 20,
  sparseTensor: 22,
  sparseTensors: 23,
} as const;
/** AttributeProto.AttributeType. */
export const ATTRIBUTE_TYPE = { float: 1, int: 2, string: 3, tensor: 4, floats: 6, ints: 7 } as const;
export const FUNCTION = { node: 7, attributeProto: 11 } as const;
export const TRAINING_INFO = { initialization: 1, algorithm: 2 } as const;
export const SPARSE_TENSOR = { values: 1, indices: 2 } as const;
export const VALUE_INFO = { name: 1, type: 2 } as const;
/** TypeProto (tensorType), TypeProto.Tensor (elemType, shape), TensorShapeProto (dim), its Dimension (value, param). */
export const TYPE = { tensorType: 1 } as const;
export const TENSOR_TYPE = { elemType: 1, shape: 2 } as const;
export const SHAPE = { dim: 1 } as const;
export const DIMENSION = { value: 1, param: 2 } as const;
export const TENSOR = { dims: 1, dataType: 2, name: 8, rawData: 9, externalData: 13, dataLocation: 14 } as const;
export const DATA_LOCATION_EXTERNAL = 1;
/** StringStringEntryProto, the entries of a tensor's external_data and of a model's metadata_props. */
export const ENTRY = { key: 1, value: 2 } as const;
/** TensorProto.DataType of the element types Retina's graphs use. */
export const DATA_TYPE = { float32: 1, uint8: 2, int8: 3, int32: 6, int64: 7, bool: 9, float16: 10 } as const;
