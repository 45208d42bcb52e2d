// Building ONNX graphs from config.json and checkpoint weights (run checkpoints without an ONNX file).
export type { Checkpoint, WeightTensor } from '../weights/index.js';
export { computeType, graphMetadata, GRAPH_METADATA, RETINA_VERSION, type GraphBuilder, type GraphBuildOptions } from './graph-builder.js';
export { readGraphMetadata } from './graph-metadata.js';
export {
  activation,
  checkActivation,
  floatInput,
  floatOutput,
  gelu,
  gemm,
  layerNorm,
  linear,
  multiHeadAttention,
  unsupportedOption,
} from './layers.js';
export { float, floats, MICROSOFT_DOMAIN, OnnxGraph, tensorBytes, type BuiltGraph, type Dim, type ElementType } from './onnx-graph.js';
export { floatBytes, ModelWeights, transpose2d, weightFloats, type ComputeType } from './weights.js';
