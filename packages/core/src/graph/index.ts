// Building ONNX graphs from config.json and checkpoint weights (run checkpoints without an ONNX file).
export type { Checkpoint, WeightTensor } from '../weights/index.js';
export {
  computeType,
  finishGraph,
  graphMetadata,
  GRAPH_METADATA,
  linearQuantization,
  RETINA_VERSION,
  startGraph,
  type GraphBuilder,
  type GraphBuildOptions,
  type GraphDtype,
} from './graph-builder.js';
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
  quantizedLinear,
  unsupportedOption,
} from './layers.js';
export { float, floats, MICROSOFT_DOMAIN, OnnxGraph, tensorBytes, type BuiltGraph, type Dim, type ElementType } from './onnx-graph.js';
export type { LinearQuantization } from './quantize.js';
export { floatBytes, ModelWeights, transpose2d, weightFloats, type ComputeType, type ModelWeightsOptions } from './weights.js';
