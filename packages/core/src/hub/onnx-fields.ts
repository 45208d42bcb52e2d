// Field numbers of onnx.proto, for the few messages Retina reads or rewrites without a schema compiler.

export const MODEL = { graph: 7, trainingInfo: 20, functions: 25 } as const;
export const GRAPH = { node: 1, initializer: 5, input: 11, output: 12, sparseInitializer: 15 } as const;
export const NODE = { input: 1, output: 2, opType: 4, attribute: 5, domain: 7 } as const;
export const ATTRIBUTE = { name: 1, tensor: 5, graph: 6, ints: 8, tensors: 10, graphs: 11, sparseTensor: 22, sparseTensors: 23 } as const;
export const FUNCTION = { node: 7, attributeProto: 11 } as const;
export const TRAINING_INFO = { initialization: 1, algorithm: 2 } as const;
export const SPARSE_TENSOR = { values: 1, indices: 2 } as const;
export const VALUE_INFO = { name: 1 } as const;
export const TENSOR = { dims: 1, dataType: 2, name: 8, externalData: 13, dataLocation: 14 } as const;
export const DATA_LOCATION_EXTERNAL = 1;
/** StringStringEntryProto, the entries of a tensor's external_data. */
export const ENTRY = { key: 1, value: 2 } as const;
