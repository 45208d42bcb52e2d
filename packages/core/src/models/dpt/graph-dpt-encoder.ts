// What DPT's neck reads, as ONNX nodes: DPT-Hybrid's BiT stages and ViT encoder (DPTViTHybridEmbeddings,
// DPTViTEncoder), or a BEiT backbone's hidden states (BeitBackbone with reshape_hidden_states false).
import { unsupportedOption } from '../../graph/layers.js';
import type { OnnxGraph } from '../../graph/onnx-graph.js';
import type { ModelWeights } from '../../graph/weights.js';
import type { BeitConfig } from '../beit/configuration-beit.js';
import { beitEncoder } from '../beit/graph-beit-encoder.js';
import { bitHiddenStates, bitOutputSize } from '../bit/bit-encoder-graph.js';
import type { BitConfig } from '../bit/configuration-bit.js';
import { vitLayer } from '../vit-hybrid/graph-vit-hybrid.js';
import type { DPTConfig, DPTViTSettings } from './configuration-dpt.js';

/** A neck input: a token sequence [batch, 1 + side², hidden] or a feature map [batch, channels, side, side]. */
export interface NeckInput {
  readonly value: string;
  readonly kind: 'tokens' | 'map';
  /** Channels (hidden size for tokens). */
  readonly channels: number;
  /** Height and width of the map, or of the patch grid. */
  readonly side: number;
}

export interface DPTEncoderOutput {
  readonly neckInputs: readonly NeckInput[];
  /** The embeddings, then every encoder layer's output (DPTModel's hidden_states). */
  readonly hiddenStates: readonly string[];
}

/** The stages `config.outFeatures` names, in stage order (the order BitBackbone and BeitBackbone return them). */
function outStageIndices(config: BitConfig | BeitConfig): number[] {
  return config.stageNames
    .map((stage, index) => ({ stage, index }))
    .filter(({ stage }) => config.outFeatures.includes(stage))
    .map(({ index }) => index);
}

/** Python's `[f for idx, f in enumerate(layers) if idx in indices]`: encoder order, each layer at most once. */
function selectedLayers(layerCount: number, indices: readonly number[]): number[] {
  return Array.from({ length: layerCount }, (_, idx) => idx).filter((idx) => indices.includes(idx));
}

/**
 * DPTViTHybridEmbeddings and DPTViTEncoder: the BiT backbone's three out_features maps (the first two go to the
 * neck as they are), the last one projected by a 1×1 convolution to tokens after the [CLS] token, plus position
 * embeddings (their interpolation to the same grid is the identity: the input size is fixed), then the ViT layers.
 */
export function hybridEncoder(
  graph: OnnxGraph,
  weights: ModelWeights,
  config: DPTConfig,
  vit: DPTViTSettings,
  pixelValues: string,
): DPTEncoderOutput {
  const backbone = config.backboneConfig as BitConfig;
  const field = (name: string) => `backbone_config.${name}`;
  const stages = outStageIndices(backbone);
  if (stages.length !== 3) {
    throw unsupportedOption(
      field('out_features'),
      backbone.outFeatures,
      'DPT-Hybrid takes exactly three BiT stages (the reference raises otherwise)',
    );
  }
  const bit = { graph, weights: weights.at('embeddings.backbone.bit'), config: backbone, field };
  const { values, channels } = bitHiddenStates(bit, pixelValues, stages[2]!);
  const maps = stages.map((stage) => ({
    value: values[stage]!,
    channels: channels[stage]!,
    side: bitOutputSize(backbone, config.imageSize, stage),
  }));
  const last = maps[2]!;
  const [, featureDim] = config.backboneFeatmapShape ?? [];
  if (config.backboneFeatmapShape?.length !== 4 || featureDim !== last.channels) {
    throw unsupportedOption(
      'backbone_featmap_shape',
      config.backboneFeatmapShape,
      `it must be [1, channels, height, width] with the channels of the backbone's ${backbone.stageNames[stages[2]!]} (${last.channels})`,
    );
  }
  const grid = Math.floor(config.imageSize / vit.patchSize);
  if (last.side !== grid) {
    throw unsupportedOption(
      'patch_size',
      vit.patchSize,
      `the backbone makes ${last.side}x${last.side} maps of image_size ${config.imageSize}, so patch_size must give that grid (image_size / patch_size = ${grid})`,
    );
  }
  const hidden = config.hiddenSize;
  const projection = graph.op('Conv', [
    last.value,
    weights.initializer(graph, 'embeddings.projection.weight', [hidden, featureDim, 1, 1], 'hidden_size, backbone_featmap_shape'),
    weights.initializer(graph, 'embeddings.projection.bias', [hidden], 'hidden_size'),
  ]);
  const patches = graph.op('Transpose', [graph.op('Reshape', [projection, graph.int64s([0, hidden, -1])])], { perm: [0, 2, 1] });
  const batch = graph.op('Shape', [pixelValues], { end: 1 });
  const cls = graph.op('Expand', [
    weights.initializer(graph, 'embeddings.cls_token', [1, 1, hidden], 'hidden_size'),
    graph.op('Concat', [batch, graph.int64s([1, hidden])], { axis: 0 }),
  ]);
  const positions = weights.initializer(graph, 'embeddings.position_embeddings', [1, grid * grid + 1, hidden], 'image_size / patch_size');
  const hiddenStates = [graph.op('Add', [graph.op('Concat', [cls, patches], { axis: 1 }), positions])];
  const layerConfig = { ...vit, hiddenSize: hidden, hiddenAct: config.hiddenAct };
  for (let index = 0; index < vit.numHiddenLayers; index++)
    hiddenStates.push(vitLayer(graph, weights, layerConfig, hiddenStates.at(-1)!, index));

  const neckInputs: NeckInput[] = [maps[0]!, maps[1]!].map((map) => ({ ...map, kind: 'map' as const }));
  for (const layer of selectedLayers(vit.numHiddenLayers, vit.backboneOutIndices.slice(2))) {
    neckInputs.push({ value: hiddenStates[layer + 1]!, kind: 'tokens', channels: hidden, side: grid });
  }
  return { neckInputs, hiddenStates };
}

/** BeitBackbone's feature maps: the hidden states of the out_features stages ("stage<i>" is layer i's output), [CLS] kept. */
export function beitBackbone(graph: OnnxGraph, weights: ModelWeights, config: DPTConfig, pixelValues: string): DPTEncoderOutput {
  const backbone = config.backboneConfig as BeitConfig;
  if (backbone.reshapeHiddenStates) {
    throw unsupportedOption(
      'backbone_config.reshape_hidden_states',
      true,
      "DPT's reassemble stage reads token sequences with the [CLS] token; set it false",
    );
  }
  if (backbone.addFpn)
    throw unsupportedOption(
      'backbone_config.add_fpn',
      true,
      "DPT's reassemble stage reads the BEiT hidden states themselves; set it false",
    );
  if (backbone.hiddenSize % backbone.numAttentionHeads !== 0) {
    throw unsupportedOption(
      'backbone_config.hidden_size',
      backbone.hiddenSize,
      `it must be a multiple of num_attention_heads (${backbone.numAttentionHeads})`,
    );
  }
  const { hiddenStates } = beitEncoder({ graph, weights, config: backbone }, pixelValues);
  const neckInputs = outStageIndices(backbone).map((stage) => ({
    value: hiddenStates[stage]!,
    kind: 'tokens' as const,
    channels: backbone.hiddenSize,
    side: backbone.patchesPerSide,
  }));
  return { neckInputs, hiddenStates };
}
