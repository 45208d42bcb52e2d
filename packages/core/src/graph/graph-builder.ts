import { RetinaError } from '../errors.js';
import type { Checkpoint } from '../weights/weight-tensor.js';
import { OnnxGraph, type BuiltGraph } from './onnx-graph.js';
import type { LinearQuantization } from './quantize.js';
import { ModelWeights, type ComputeType } from './weights.js';

/**
 * What a graph is built as: `fp32` the checkpoint's float32 values; `fp16` float16 weights and compute; `q8`
 * int8 Linear weights per output channel; `q4` 4-bit Linear weights in blocks of 32 (graph/quantize.ts).
 * Quantized builds keep everything else (convolutions, norms, biases, embeddings) float32.
 */
export type GraphDtype = 'fp32' | 'fp16' | 'q8' | 'q4';

export interface GraphBuildOptions {
  /** Graph inputs and outputs are float32 whatever the dtype. */
  readonly dtype: GraphDtype;
  /**
   * Which onnxruntime provider runs the graph, where the dtype depends on it: q8 is DynamicQuantizeMatMul on the
   * CPU provider (onnxruntime-node, WebAssembly) and weight-only 8-bit MatMulNBits on WebGPU, which has no
   * integer MatMul. Default `cpu` (what `retina export` writes).
   */
  readonly provider?: 'cpu' | 'webgpu';
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
 * Block size of q4 (and of q8 on WebGPU): of 32, 64 and 128, the most exact (on a 768→3072 Linear layer, RMS error
 * 8.3e-2 against 9.2e-2 and 1.0e-1) and no slower on onnxruntime-node or WebAssembly (BEiT-base).
 */
const Q4_BLOCK_SIZE = 32;

/** How the Linear layers of a build for `options` are quantized; undefined when they are not. */
export function linearQuantization(options: GraphBuildOptions): LinearQuantization | undefined {
  if (options.dtype === 'q4') return { kind: 'blocks', bits: 4, blockSize: Q4_BLOCK_SIZE };
  if (options.dtype !== 'q8') return undefined;
  return options.provider === 'webgpu' ? { kind: 'blocks', bits: 8, blockSize: Q4_BLOCK_SIZE } : { kind: 'dynamic-int8' };
}

/**
 * The empty graph and the checkpoint's weights a family builder starts from, set up for `options`: compute
 * type, quantized Linear layers, and (quantized) the graph's own compact external data, so that it holds none
 * of the checkpoint's bytes and the runtime gets only what the graph uses.
 */
export function startGraph(
  checkpoint: Checkpoint,
  options: GraphBuildOptions,
  model: { readonly basePrefix: string; readonly where: string },
): { graph: OnnxGraph; weights: ModelWeights; type: ComputeType } {
  const type = computeType(options);
  const quantization = linearQuantization(options);
  const graph = new OnnxGraph({ compact: quantization !== undefined, spelledOutAttention: options.provider === 'webgpu' });
  const weights = new ModelWeights(checkpoint, { ...model, type, quantization, maxBuildBytes: options.maxBuildBytes });
  return { graph, weights, type };
}

/** The head a graph is built for: a model class (its Transformers name, e.g. "BitForImageClassification", and its task). */
export interface GraphHead {
  readonly architecture: string;
  /** "image-classification", "image-segmentation", "image-feature-extraction" (the bare model), "backbone", ... */
  readonly task: string;
}

/**
 * `head`'s task among those a family's builder builds (`tasks`), typed; any other is UNSUPPORTED_MODEL, the same
 * for every family.
 */
export function headTask<T extends string>(head: GraphHead, family: string, tasks: readonly T[]): T {
  if ((tasks as readonly string[]).includes(head.task)) return head.task as T;
  throw new RetinaError(
    'UNSUPPORTED_MODEL',
    `Retina builds ${family} graphs for the tasks ${tasks.join(', ')}; ${head.architecture} is a ${head.task} head. ` +
      'Use an exported onnx/model.onnx for it.',
  );
}

/**
 * What each model family provides to run a checkpoint without an ONNX file: the ONNX graph of
 * `head` (a model class) for `config`, with the checkpoint's weights.
 *
 * - Graph inputs and outputs are the ones the exported graphs of the fixtures have (`pixel_values`
 *   [batch_size, C, H, W] float32; `logits`, `last_hidden_state`, `pooler_output`, `feature_maps.<i>`, ...),
 *   so the model classes run a built graph and an exported one alike.
 * - Weights that need no change stay in the checkpoint's bytes (external data); what depends only on the
 *   weights is computed here (ModelWeights.precomputed), never left to the session. The checkpoint's
 *   buffers are consumed: precomputed float32 weights are written over their own bytes. Quantized builds
 *   (q8, q4) copy what they keep into the graph's own compact external data instead ({@link startGraph}).
 * - Tensors computed from config numbers rather than weights (position tables and indexes, relative position
 *   biases, pooling matrices) are allocated through `weights.budget` (ModelWeights.budget), which refuses a
 *   config that would take the build past its budget before anything is allocated; so is what onnxruntime
 *   will fold into constants while it creates the session.
 * - Fails with a RetinaError: MODEL_LOAD_FAILED naming the tensor (and the config field) for a missing or
 *   misshapen weight, INVALID_CONFIG naming the option for a config value the builder does not support,
 *   UNSUPPORTED_MODEL for a head the family's builder does not build ({@link headTask}),
 *   INVALID_ARGUMENT for a quantized dtype of a graph without Linear layers ({@link finishGraph}).
 * - Writes the metadata of {@link graphMetadata}, so a config/graph mismatch is caught at load.
 */
export type GraphBuilder<C> = (config: C, head: GraphHead, checkpoint: Checkpoint, options: GraphBuildOptions) => BuiltGraph;

/** Retina's release, written into the graphs it builds. */
export const RETINA_VERSION = '0.1.0';

/** metadata_props keys of graphs Retina builds (read back by readGraphMetadata). */
export const GRAPH_METADATA = {
  modelType: 'retina.model_type',
  architecture: 'retina.architecture',
  version: 'retina.version',
  dtype: 'retina.dtype',
} as const;

/** The metadata every family builder writes ({@link finishGraph} does). */
export function graphMetadata(modelType: string, architecture: string, options: GraphBuildOptions): Record<string, string> {
  return {
    [GRAPH_METADATA.modelType]: modelType,
    [GRAPH_METADATA.architecture]: architecture,
    [GRAPH_METADATA.version]: RETINA_VERSION,
    [GRAPH_METADATA.dtype]: options.dtype,
  };
}

/** The operators that quantized Linear layers become (graph/layers.ts quantizedLinear). */
const QUANTIZED_LINEARS = ['DynamicQuantizeMatMul', 'MatMulNBits'];

/**
 * The built graph of `architecture`, serialised with its metadata. A quantized dtype of a graph that has no
 * Linear layer to quantize (BiT without its classifier: convolutions only, which stay float) is an
 * INVALID_ARGUMENT: it would be the float32 graph under another name.
 */
export function finishGraph(graph: OnnxGraph, modelType: string, architecture: string, options: GraphBuildOptions): BuiltGraph {
  if (linearQuantization(options) && !QUANTIZED_LINEARS.some((opType) => graph.uses(opType))) {
    throw new RetinaError(
      'INVALID_ARGUMENT',
      `dtype "${options.dtype}" quantizes Linear layers, and ${architecture} (model_type "${modelType}"${options.source ? ` in ${options.source}` : ''}) ` +
        'has none: its layers are convolutions, which Retina keeps float. Load it with dtype "fp32" or "fp16".',
    );
  }
  return graph.serialize({ metadata: graphMetadata(modelType, architecture, options), externalDataFile: options.externalDataFile });
}
