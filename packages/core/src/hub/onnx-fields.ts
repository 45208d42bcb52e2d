// Field numbers of onnx.proto, for the few messages Retina reads or rewrites without a schema compiler.

export const MODEL = { graph: 7 } as const;
export const GRAPH = { node: 1, initializer: 5, input: 11, output: 12 } as const;
export const NODE = { input: 1, output: 2, opType: 4, attribute: 5, domain: 7 } as const;
export const ATTRIBUTE = { name: 1, ints: 8, graph: 6, graphs: 11 } as const;
export const VALUE_INFO = { name: 1 } as const;
export const TENSOR = { dims: 1, dataType: 2, name: 8, externalData: 13, dataLocation: 14 } as const;
export const DATA_LOCATION_EXTERNAL = 1;
/** StringStringEntryProto, the entries of a tensor's external_data. */
export const ENTRY = { key: 1, value: 2 } as const;
