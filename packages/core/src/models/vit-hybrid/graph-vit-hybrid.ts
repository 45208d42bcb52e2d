// ViTHybridModel and ViTHybridForImageClassification as ONNX graphs built from config.json and the
// weights: BiT backbone (bit-encoder-graph.ts), patch projection, [CLS] token and position embeddings,
// pre-norm transformer layers on LayerNormalization and MultiHeadAttention.
import { finishGraph, headTask, startGraph, type GraphBuilder } from '../../graph/graph-builder.js';
import { checkActivation, classifierLogits, floatInput, floatOutput, gemm, layerNorm, unsupportedOption } from '../../graph/layers.js';
import type { OnnxGraph } from '../../graph/onnx-graph.js';
import { preNormViTBlock } from '../../graph/vit-block.js';
import type { ModelWeights } from '../../graph/weights.js';
import { bitHiddenStates, bitOutputSize } from '../bit/bit-encoder-graph.js';
import { ViTHybridConfig } from './configuration-vit-hybrid.js';

const TASKS = ['image-feature-extraction', 'image-classification'] as const;

interface Context {
  readonly graph: OnnxGraph;
  readonly weights: ModelWeights;
  readonly config: ViTHybridConfig;
}

function checkConfig(config: ViTHybridConfig): void {
  checkActivation(config.hiddenAct, 'hidden_act');
  if (config.hiddenSize % config.numAttentionHeads !== 0) {
    throw unsupportedOption('num_attention_heads', config.numAttentionHeads, `it must divide hidden_size ${config.hiddenSize}`);
  }
  if (config.backboneFeatmapShape.length !== 4) {
    throw unsupportedOption('backbone_featmap_shape', config.backboneFeatmapShape, 'it must be [1, channels, height, width]');
  }
}

/** ViTHybridEmbeddings: the backbone's last feature map, projected to patches, after the [CLS] token, plus position embeddings. */
function embeddings(ctx: Context, pixelValues: string): { value: string; tokens: number } {
  const { graph, weights, config } = ctx;
  const backbone = config.backboneConfig;
  const patchWeights = weights.at('embeddings.patch_embeddings');
  const bit = { graph, weights: patchWeights.at('backbone.bit'), config: backbone, field: (name: string) => `backbone_config.${name}` };
  const lastStage = Math.max(...backbone.outFeatures.map((feature) => backbone.stageNames.indexOf(feature)));
  const { values, channels } = bitHiddenStates(bit, pixelValues, lastStage);
  const [, featureDim, featureHeight, featureWidth] = config.backboneFeatmapShape as [number, number, number, number];
  if (channels[lastStage] !== featureDim) {
    throw unsupportedOption(
      'backbone_featmap_shape',
      config.backboneFeatmapShape,
      `the backbone's ${backbone.stageNames[lastStage]} has ${channels[lastStage]} channels`,
    );
  }
  const featureSize = bitOutputSize(backbone, config.imageSize, lastStage);
  if (featureHeight !== featureSize || featureWidth !== featureSize) {
    throw unsupportedOption(
      'backbone_featmap_shape',
      config.backboneFeatmapShape,
      `the backbone makes ${featureSize}x${featureSize} feature maps of image_size ${config.imageSize}`,
    );
  }
  const p = config.patchSize;
  const hidden = config.hiddenSize;
  const projection = graph.op(
    'Conv',
    [
      values[lastStage]!,
      patchWeights.initializer(graph, 'projection.weight', [hidden, featureDim, p, p], 'hidden_size'),
      patchWeights.initializer(graph, 'projection.bias', [hidden], 'hidden_size'),
    ],
    { kernel_shape: [p, p], strides: [p, p] },
  );
  const patches = graph.op('Transpose', [graph.op('Reshape', [projection, graph.int64s([0, 0, -1])])], { perm: [0, 2, 1] });
  const tokens = Math.floor(featureHeight / p) * Math.floor(featureWidth / p) + 1;
  const batch = graph.op('Slice', [graph.op('Shape', [patches]), graph.int64s([0]), graph.int64s([1])]);
  const clsShape = graph.op('Concat', [batch, graph.int64s([1, hidden])], { axis: 0 });
  const cls = graph.op('Expand', [weights.initializer(graph, 'embeddings.cls_token', [1, 1, hidden], 'hidden_size'), clsShape]);
  const joined = graph.op('Concat', [cls, patches], { axis: 1 });
  const positions = weights.initializer(graph, 'embeddings.position_embeddings', [1, tokens, hidden], 'backbone_featmap_shape');
  return { value: graph.op('Add', [joined, positions]), tokens };
}

/** What a pre-norm ViT layer reads of its config (ViT-Hybrid's, and DPT's own encoder). */
export type ViTLayerConfig = Pick<
  ViTHybridConfig,
  'hiddenSize' | 'numAttentionHeads' | 'intermediateSize' | 'hiddenAct' | 'layerNormEps' | 'qkvBias'
>;

/** ViTHybridLayer (and DPTViTLayer): the pre-norm ViT block, with `qkv_bias`. */
export function vitLayer(graph: OnnxGraph, weights: ModelWeights, config: ViTLayerConfig, x: string, index: number): string {
  return preNormViTBlock(graph, weights, config, x, `encoder.layer.${index}`, { qkvBias: config.qkvBias });
}

export const buildViTHybridGraph: GraphBuilder<ViTHybridConfig> = (config, head, checkpoint, options) => {
  const task = headTask(head, 'ViT-Hybrid', TASKS);
  checkConfig(config);
  const { graph, weights, type } = startGraph(checkpoint, options, { basePrefix: 'vit', where: options.source ?? 'the checkpoint' });
  weights.requireBaseModel('vit-hybrid', 'embeddings.cls_token');
  const ctx: Context = { graph, weights, config };
  const size = config.imageSize;
  const pixelValues = floatInput(graph, 'pixel_values', ['batch_size', config.numChannels, size, size], type);

  const { value: embedded, tokens } = embeddings(ctx, pixelValues);
  let x = embedded;
  for (let index = 0; index < config.numHiddenLayers; index++) x = vitLayer(graph, weights, config, x, index);
  const sequence = layerNorm(graph, weights, x, 'layernorm', config.hiddenSize, config.layerNormEps, 'hidden_size');
  const cls = graph.op('Gather', [sequence, graph.constant('int64', [], [0])], { axis: 1 });
  const hidden = config.hiddenSize;

  if (task === 'image-feature-extraction') {
    floatOutput(graph, sequence, 'last_hidden_state', ['batch_size', tokens, hidden], type);
    const pooled = graph.op('Tanh', [gemm(graph, weights, cls, 'pooler.dense', [hidden, hidden], 'hidden_size')]);
    floatOutput(graph, pooled, 'pooler_output', ['batch_size', hidden], type);
  } else {
    classifierLogits(graph, weights, cls, 'classifier', [hidden, config.numLabels], type);
  }
  return finishGraph(graph, ViTHybridConfig.modelType, head.architecture, options);
};
