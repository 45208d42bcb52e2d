// The ONNX graph of a BEiT checkpoint, built from config.json and the weights (no export step).
import { RetinaError } from '../../errors.js';
import { finishGraph, startGraph, type GraphBuilder } from '../../graph/graph-builder.js';
import { checkActivation, floatInput, floatOutput, gemm, linear, unsupportedOption } from '../../graph/layers.js';
import type { Dim } from '../../graph/onnx-graph.js';
import type { BeitConfig } from './configuration-beit.js';
import { beitEncoder, beitLayerNorm, patchTokens, type BeitBuildContext } from './graph-beit-encoder.js';
import { beitSegmentationHead } from './graph-beit-segmentation.js';

const ARCHITECTURES = ['BeitModel', 'BeitForImageClassification', 'BeitForSemanticSegmentation', 'BeitForMaskedImageModeling'] as const;
type BeitArchitecture = (typeof ARCHITECTURES)[number];

/** Refuses what the graph cannot honour, naming the config option. */
function checkConfig(config: BeitConfig, architecture: string): asserts architecture is BeitArchitecture {
  if (!(ARCHITECTURES as readonly string[]).includes(architecture)) {
    throw new RetinaError(
      'UNSUPPORTED_MODEL',
      `Retina builds BEiT graphs for ${ARCHITECTURES.join(', ')}; config.json's architecture is ${architecture}. Use an exported onnx/model.onnx for it.`,
    );
  }
  if (config.hiddenSize % config.numAttentionHeads !== 0) {
    throw unsupportedOption(
      'hidden_size',
      config.hiddenSize,
      `it must be a multiple of num_attention_heads (${config.numAttentionHeads}), as in Transformers`,
    );
  }
  checkActivation(config.hiddenAct, 'hidden_act');
  const prunedHeads = config.json.pruned_heads;
  if (typeof prunedHeads === 'object' && prunedHeads !== null && Object.keys(prunedHeads).length > 0) {
    throw unsupportedOption('pruned_heads', prunedHeads, 'built graphs have every attention head; export the pruned model to ONNX instead');
  }
  if (config.json.output_attentions === true) {
    throw unsupportedOption('output_attentions', true, 'built graphs do not output attention maps; set it to false');
  }
  if (architecture === 'BeitForMaskedImageModeling' && !config.useMaskToken) {
    throw unsupportedOption(
      'use_mask_token',
      false,
      'BeitForMaskedImageModeling replaces masked patches by the mask token; it must be true',
    );
  }
  if (architecture === 'BeitForImageClassification' && config.numLabels === 0) {
    throw unsupportedOption('num_labels', 0, 'a classifier needs classes; use BeitModel and its pooler_output instead');
  }
}

/** BeitPooler: the mean of the patch tokens, normalised, or the [CLS] token of `lastHiddenState`. */
function pool(context: BeitBuildContext, hidden: string, lastHiddenState: string): string {
  const { graph, config } = context;
  if (!config.useMeanPooling) return graph.op('Gather', [lastHiddenState, graph.constant('int64', [], [0])], { axis: 1 });
  return beitLayerNorm(context, graph.op('ReduceMean', [patchTokens(context, hidden)], { axes: [1], keepdims: 0 }), 'pooler.layernorm');
}

/** Builds BeitModel, BeitForImageClassification, BeitForSemanticSegmentation or BeitForMaskedImageModeling. */
export const buildBeitGraph: GraphBuilder<BeitConfig> = (config, architecture, checkpoint, options) => {
  checkConfig(config, architecture);
  const where = options.source ?? checkpoint.files.map((file) => file.name).join(', ');
  const { graph, weights, type } = startGraph(checkpoint, options, { basePrefix: 'beit', where });
  weights.requireBaseModel('beit', 'embeddings.patch_embeddings.projection.weight');
  const heads = weights.head();
  const context: BeitBuildContext = { graph, weights, config };
  const headContext: BeitBuildContext = { ...context, weights: heads };
  const output = (value: string, name: string, dims: readonly Dim[]) => floatOutput(graph, value, name, dims, type);

  const { imageSize, numChannels, hiddenSize } = config;
  const patches = config.patchesPerSide ** 2;
  const pixelValues = floatInput(graph, 'pixel_values', ['batch_size', numChannels, imageSize, imageSize], type);
  const boolMaskedPos =
    architecture === 'BeitForMaskedImageModeling' ? graph.input('bool_masked_pos', 'bool', ['batch_size', patches]) : undefined;
  const { hiddenStates } = beitEncoder(context, pixelValues, boolMaskedPos);
  const hidden = hiddenStates.at(-1)!;
  // BeitModel normalises its output here only when it does not pool by the mean.
  const lastHiddenState = () => (config.useMeanPooling ? hidden : beitLayerNorm(context, hidden, 'layernorm'));
  const sequence = ['batch_size', patches + 1, hiddenSize];

  if (architecture === 'BeitModel') {
    const last = lastHiddenState();
    output(last, 'last_hidden_state', sequence);
    output(pool(context, hidden, last), 'pooler_output', ['batch_size', hiddenSize]);
  } else if (architecture === 'BeitForImageClassification') {
    const pooled = pool(context, hidden, lastHiddenState());
    const logits = gemm(graph, heads, pooled, 'classifier', [hiddenSize, config.numLabels], 'num_labels (id2label)');
    output(logits, 'logits', ['batch_size', config.numLabels]);
  } else if (architecture === 'BeitForMaskedImageModeling') {
    const normalised = beitLayerNorm(headContext, patchTokens(context, lastHiddenState()), 'layernorm');
    const logits = linear(graph, heads, normalised, 'lm_head', [hiddenSize, config.vocabSize], 'vocab_size');
    output(logits, 'logits', ['batch_size', patches, config.vocabSize]);
  } else {
    const side = config.patchesPerSide * 4;
    output(beitSegmentationHead(headContext, pixelValues, hiddenStates), 'logits', ['batch_size', config.numLabels, side, side]);
  }
  if (config.json.output_hidden_states === true) {
    hiddenStates.forEach((state, i) => output(state, `hidden_states.${i}`, sequence));
  }
  return finishGraph(graph, 'beit', architecture, options);
};
