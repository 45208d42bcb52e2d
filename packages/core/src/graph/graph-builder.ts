import type { Checkpoint } from '../weights/weight-tensor.js';
import type { BuiltGraph } from './onnx-graph.js';
import type { ComputeType } from './weights.js';

export interface GraphBuildOptions {
  /** Weights and compute in float32 (default) or float16; graph inputs and outputs stay float32 either way. */
  readonly dtype: 'fp32' | 'fp16';
  /** Pack every external weight into this one file (for `retina export`); default: point into the checkpoint's own bytes. */
  readonly externalDataFile?: string;
  /** Where the checkpoint came from (a folder, URL or hub id), for messages. */
  readonly source?: string;
  /**
   * Most bytes the build may allocate for tensors it computes from config.json's numbers; default 4 × the
   * checkpoint's parameters as float32, plus 64 MiB (see build-budget.ts).
   */
  readonly maxBuildBytes?: number;
}

/** The element type weights and compute take for `dtype`. */
export function computeType(options: GraphBuildOptions): ComputeType {
  return options.dtype === 'fp16' ? 'float16' : 'float32';
}

/**
 * What each model family provides to run a checkpoint without an ONNX file: the ONNX graph of
 * `architecture` (e.g. "BitForImageClassification") for `config`, with the checkpoint's weights.
 *
 * - Graph inputs and outputs are the ones the exported graphs of the fixtures have (`pixel_values`
 *   [batch_size, C, H, W] float32; `logits`, `last_hidden_state`, `pooler_output`, `feature_maps.<i>`, ...),
 *   so the model classes run a built graph and an exported one alike.
 * - Weights that need no change stay in the checkpoint's bytes (external data); what depends only on the
 *   weights is computed here (ModelWeights.precomputed), never left to the session. The checkpoint's
 *   buffers are consumed: precomputed float32 weights are written over their own bytes.
 * - Tensors computed from config numbers rather than weights (position tables and indexes, relative position
 *   biases, pooling matrices) are allocated through `weights.budget` (ModelWeights.budget), which refuses a
 *   config that would take the build past its budget before anything is allocated; so is what onnxruntime
 *   will fold into constants while it creates the session.
 * - Fails with a RetinaError: MODEL_LOAD_FAILED naming the tensor (and the config field) for a missing or
 *   misshapen weight, INVALID_CONFIG naming the option for a config value the builder does not support.
 * - Writes the metadata of {@link graphMetadata}, so a config/graph mismatch is caught at load.
 */
export type GraphBuilder<C> = (config: C, architecture: string, checkpoint: Checkpoint, options: GraphBuildOptions) => BuiltGraph;

/** Retina's release, written into the graphs it builds. */
export const RETINA_VERSION = '0.1.0';

/** metadata_props keys of graphs Retina builds (read back by readGraphMetadata). */
export const GRAPH_METADATA = {
  modelType: 'retina.model_type',
  architecture: 'retina.architecture',
  version: 'retina.version',
  dtype: 'retina.dtype',
} as const;

/** The metadata every family builder writes (pass it to `OnnxGraph.serialize`). */
export function graphMetadata(modelType: string, architecture: string, options: GraphBuildOptions): Record<string, string> {
  return {
    [GRAPH_METADATA.modelType]: modelType,
    [GRAPH_METADATA.architecture]: architecture,
    [GRAPH_METADATA.version]: RETINA_VERSION,
    [GRAPH_METADATA.dtype]: options.dtype,
  };
}
