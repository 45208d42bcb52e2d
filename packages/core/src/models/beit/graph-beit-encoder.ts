// BEiT's embeddings and transformer encoder as ONNX nodes, with every weight-only step done here:
// Linear weights transposed for MatMul, layer scale folded into the output projections, relative position
// biases gathered per layer (at run time where they are too large to hold).
import { layerNorm } from '../../graph/layers.js';
import type { OnnxGraph } from '../../graph/onnx-graph.js';
import { preNormViTBlock } from '../../graph/vit-block.js';
import type { ModelWeights } from '../../graph/weights.js';
import { FOLDED_CONSTANT_LIMIT_BYTES } from '../../session/constant-folding.js';
import type { BeitEncoderConfig } from './configuration-beit.js';
import { gatherRelativePositionBias, relativeDistances, relativePositionIndex } from './relative-position.js';

export interface BeitEncoderOutput {
  /** The embeddings, then each layer's output: [batch, N + 1, hidden] (Transformers' hidden_states). */
  readonly hiddenStates: readonly string[];
}

/** A graph being built, the base model's weights, the config. */
export interface BeitBuildContext {
  readonly graph: OnnxGraph;
  readonly weights: ModelWeights;
  readonly config: BeitEncoderConfig;
}

/** One of BEiT's LayerNorms over the hidden size. */
export function beitLayerNorm({ graph, weights, config }: BeitBuildContext, x: string, prefix: string): string {
  return layerNorm(graph, weights, x, prefix, config.hiddenSize, config.layerNormEps, 'hidden_size');
}

/**
 * Patch embeddings (+ absolute position embeddings), masked patches replaced by the mask token, the
 * [CLS] token in front: [batch, N + 1, hidden].
 */
function embeddings(context: BeitBuildContext, pixelValues: string, boolMaskedPos: string | undefined): string {
  const { graph, weights, config } = context;
  const { hiddenSize: hidden, patchSize: patch, numChannels: channels } = config;
  const patches = config.patchesPerSide ** 2;
  const projection = graph.op(
    'Conv',
    [
      pixelValues,
      weights.initializer(
        graph,
        'embeddings.patch_embeddings.projection.weight',
        [hidden, channels, patch, patch],
        'hidden_size, num_channels, patch_size',
      ),
      weights.initializer(graph, 'embeddings.patch_embeddings.projection.bias', [hidden], 'hidden_size'),
    ],
    { kernel_shape: [patch, patch], strides: [patch, patch] },
  );
  let x = graph.op('Transpose', [graph.op('Reshape', [projection, graph.int64s([0, hidden, -1])])], { perm: [0, 2, 1] });

  const position = config.useAbsolutePositionEmbeddings
    ? weights.floats('embeddings.position_embeddings', [1, patches + 1, hidden], 'use_absolute_position_embeddings')
    : undefined;
  // The token rows added after padding a zero row in front: [CLS] (+ its position) first, then the patches' positions.
  const cls = weights.floats('embeddings.cls_token', [1, 1, hidden], 'hidden_size');
  const tokenRows = weights.budget.float32([1, patches + 1, hidden], 'a token table', imageSizes(config));
  tokenRows.set(cls);
  if (position) for (let i = 0; i < hidden; i++) tokenRows[i] = tokenRows[i]! + position[i]!;
  if (boolMaskedPos !== undefined) {
    // The reference adds the patches' positions before masking: masked patches take the bare mask token.
    if (position)
      x = graph.op('Add', [
        x,
        weights.computed(graph, 'embeddings.position_embeddings.patches', [1, patches, hidden], position.subarray(hidden)),
      ]);
    const mask = graph.op('Unsqueeze', [boolMaskedPos, graph.int64s([2])]);
    x = graph.op('Where', [mask, weights.initializer(graph, 'embeddings.mask_token', [1, 1, hidden], 'use_mask_token'), x]);
  } else if (position) {
    tokenRows.set(position.subarray(hidden), hidden);
  }
  const padded = graph.op('Pad', [x, graph.int64s([0, 1, 0, 0, 0, 0])]);
  return graph.op('Add', [padded, weights.computed(graph, 'embeddings.tokens', [1, patches + 1, hidden], tokenRows)]);
}

/** The config values a tensor sized by the patch grid follows from, for messages. */
function imageSizes(config: BeitEncoderConfig): string {
  return `image_size ${config.imageSize} and patch_size ${config.patchSize}`;
}

const SHARED_BIAS = 'encoder.relative_position_bias';
const POSITION_INDEX = 'encoder.relative_position_index';

/** The relative position index of each graph being built: computed once, shared by its layers. */
const positionIndexes = new WeakMap<OnnxGraph, Int32Array>();

function positionIndex({ graph, weights, config }: BeitBuildContext): Int32Array {
  let index = positionIndexes.get(graph);
  if (index === undefined) {
    const tokens = config.patchesPerSide ** 2 + 1;
    index = relativePositionIndex(
      config.patchesPerSide,
      weights.budget.int32([tokens, tokens], 'a relative position index', imageSizes(config)),
    );
    positionIndexes.set(graph, index);
  }
  return index;
}

/**
 * The [heads, N + 1, N + 1] bias added to one layer's attention scores (its own table plus the shared
 * one, summed before the gather: both use the same index), or undefined without relative positions.
 */
function relativePositionBias(context: BeitBuildContext, layer: number): string | undefined {
  const { graph, weights, config } = context;
  const { useRelativePositionBias: own, useSharedRelativePositionBias: shared, numAttentionHeads: heads, patchesPerSide: side } = config;
  if (!own && !shared) return undefined;
  // The shared bias is built with the first layer.
  if (!own && layer > 0) return SHARED_BIAS;
  const distances = relativeDistances(side);
  const sizes = 'num_attention_heads, image_size / patch_size';
  const tables = [
    ...(shared
      ? [weights.floats(`${SHARED_BIAS}.relative_position_bias_table`, [distances, heads], `use_shared_relative_position_bias (${sizes})`)]
      : []),
    ...(own
      ? [
          weights.floats(
            `encoder.layer.${layer}.attention.attention.relative_position_bias.relative_position_bias_table`,
            [distances, heads],
            `use_relative_position_bias (${sizes})`,
          ),
        ]
      : []),
  ];
  const table = tables.length === 1 ? tables[0]! : Float32Array.from(tables[0]!, (value, i) => value + tables[1]![i]!);
  const name = own ? `encoder.layer.${layer}.relative_position_bias` : SHARED_BIAS;
  const index = positionIndex(context);
  const tokens = side * side + 1;
  if (heads * index.length * 4 <= FOLDED_CONSTANT_LIMIT_BYTES) {
    const bias = weights.budget.float32(
      [heads, tokens, tokens],
      `a relative position bias of layer ${layer}`,
      `num_attention_heads ${heads}, ${imageSizes(config)}`,
    );
    return weights.computed(graph, name, [1, heads, tokens, tokens], gatherRelativePositionBias(table, heads, index, bias));
  }
  // Larger than what sessions may fold (BEiT-640: 123 MB a layer), the bias is gathered at run time: rows of
  // `heads` values, then heads first. On onnxruntime's CPU provider BEiT-640 then runs as fast as with the
  // biases folded (11.7 vs 11.8 s, one thread); gathering [heads, distances] along its last axis instead,
  // value by value, took 15-30 % longer.
  const rows = weights.computed(graph, `${name}.table`, [distances, heads], table);
  const indexBytes = new Uint8Array(index.buffer, index.byteOffset, index.byteLength);
  const indexName = layer === 0 ? graph.bytesInitializer(POSITION_INDEX, 'int32', [tokens, tokens], indexBytes) : POSITION_INDEX;
  const gathered = graph.op('Unsqueeze', [graph.op('Gather', [rows, indexName], { axis: 0 }), graph.int64s([0])]);
  return graph.node('Transpose', [gathered], { perm: [0, 3, 1, 2] }, { outputs: [name] })[0]!;
}

/** Layer scale λ as a per-output factor, when the config has it (layer_scale_init_value > 0). */
function layerScale({ weights, config }: BeitBuildContext, prefix: string): { attention: Float32Array; mlp: Float32Array } | undefined {
  if (!(config.layerScaleInitValue > 0)) return undefined;
  const factors = (name: string) => weights.floats(`${prefix}.${name}`, [config.hiddenSize], 'layer_scale_init_value');
  return { attention: factors('lambda_1'), mlp: factors('lambda_2') };
}

/**
 * One BEiT layer: the pre-norm ViT block whose key projection has no bias, with the relative position bias
 * as the fused MultiHeadAttention's attention bias (as fast as MatMul/Softmax on CPU and WASM — 70.9 vs
 * 70.3 ms and 263 vs 265 ms CPU time for two BEiT-base layers; graphs for WebGPU spell it out, see
 * multiHeadAttention) and layer scale folded into the output projections.
 */
function encoderLayer(context: BeitBuildContext, x: string, layer: number): string {
  const prefix = `encoder.layer.${layer}`;
  return preNormViTBlock(context.graph, context.weights, context.config, x, prefix, {
    keyBias: false,
    attentionBias: relativePositionBias(context, layer),
    layerScale: layerScale(context, prefix),
  });
}

/** The patch tokens of hidden states [batch, N + 1, hidden]: [batch, N, hidden] without the [CLS] token. */
export function patchTokens({ graph, config }: BeitBuildContext, x: string): string {
  return graph.op('Slice', [x, graph.int64s([1]), graph.int64s([config.patchesPerSide ** 2 + 1]), graph.int64s([1])]);
}

/** Embeddings and every encoder layer; `boolMaskedPos` (bool [batch, N]) for masked image modeling. */
export function beitEncoder(context: BeitBuildContext, pixelValues: string, boolMaskedPos?: string): BeitEncoderOutput {
  const hiddenStates = [embeddings(context, pixelValues, boolMaskedPos)];
  for (let layer = 0; layer < context.config.numHiddenLayers; layer++)
    hiddenStates.push(encoderLayer(context, hiddenStates.at(-1)!, layer));
  return { hiddenStates };
}
