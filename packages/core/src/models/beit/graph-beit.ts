// The ONNX graph of a BEiT checkpoint, built from config.json and the weights (no export step).
import { finishGraph, headTask, startGraph, type GraphBuilder, type GraphHead } from '../../graph/graph-builder.js';
import { checkActivation, floatInput, floatOutput, gemm, linear, unsupportedOption } from '../../graph/layers.js';
import type { Dim } from '../../graph/onnx-graph.js';
import { BeitConfig, type BeitEncoderConfig } from './configuration-beit.js';
import { beitEncoder, beitLayerNorm, patchTokens, type BeitBuildContext } from './graph-beit-encoder.js';
import { beitSegmentationHead } from './graph-beit-segmentation.js';

/** The heads Retina builds on BEiT's encoder; masked image modeling only where the config has BEiT's vocabulary. */
const TASKS = ['image-feature-extraction', 'image-classification', 'image-segmentation', 'masked-image-modeling'] as const;
type BeitTask = (typeof TASKS)[number];

/** The head's task, for BEiT and the families that share its code (data2vec-vision). */
function beitTask(config: BeitEncoderConfig, head: GraphHead): BeitTask {
  if (config instanceof BeitConfig) return headTask(head, 'BEiT', TASKS);
  return headTask(
    head,
    config.modelType,
    TASKS.filter((task) => task !== 'masked-image-modeling'),
  );
}

/** Refuses what the graph cannot honour, naming the config option. */
function checkConfig(config: BeitEncoderConfig, task: BeitTask, architecture: string): void {
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
  if (task === 'masked-image-modeling' && !config.useMaskToken) {
    throw unsupportedOption('use_mask_token', false, `${architecture} replaces masked patches by the mask token; it must be true`);
  }
  if (task === 'image-classification' && config.numLabels === 0) {
    throw unsupportedOption('num_labels', 0, 'a classifier needs classes; use the bare model and its pooler_output instead');
  }
}

/** BeitPooler: the mean of the patch tokens, normalised, or the [CLS] token of `lastHiddenState`. */
function pool(context: BeitBuildContext, hidden: string, lastHiddenState: string): string {
  const { graph, config } = context;
  if (!config.useMeanPooling) return graph.op('Gather', [lastHiddenState, graph.constant('int64', [], [0])], { axis: 1 });
  return beitLayerNorm(context, graph.op('ReduceMean', [patchTokens(context, hidden)], { axes: [1], keepdims: 0 }), 'pooler.layernorm');
}

/** The graph builder of BEiT's encoder and heads, for a family whose checkpoints name the base model `basePrefix`. */
export function beitGraphBuilder(basePrefix: string): GraphBuilder<BeitEncoderConfig> {
  return (config, head, checkpoint, options) => {
    const { architecture } = head;
    const task = beitTask(config, head);
    checkConfig(config, task, architecture);
    const where = options.source ?? checkpoint.files.map((file) => file.name).join(', ');
    const { graph, weights, type } = startGraph(checkpoint, options, { basePrefix, where });
    weights.requireBaseModel(config.modelType, 'embeddings.patch_embeddings.projection.weight');
    const heads = weights.head();
    const context: BeitBuildContext = { graph, weights, config };
    const headContext: BeitBuildContext = { ...context, weights: heads };
    const output = (value: string, name: string, dims: readonly Dim[]) => floatOutput(graph, value, name, dims, type);

    const { imageSize, numChannels, hiddenSize } = config;
    const patches = config.patchesPerSide ** 2;
    const pixelValues = floatInput(graph, 'pixel_values', ['batch_size', numChannels, imageSize, imageSize], type);
    const boolMaskedPos = task === 'masked-image-modeling' ? graph.input('bool_masked_pos', 'bool', ['batch_size', patches]) : undefined;
    const { hiddenStates } = beitEncoder(context, pixelValues, boolMaskedPos);
    const hidden = hiddenStates.at(-1)!;
    // BeitModel normalises its output here only when it does not pool by the mean.
    const lastHiddenState = () => (config.useMeanPooling ? hidden : beitLayerNorm(context, hidden, 'layernorm'));
    const sequence = ['batch_size', patches + 1, hiddenSize];

    if (task === 'image-feature-extraction') {
      const last = lastHiddenState();
      output(last, 'last_hidden_state', sequence);
      output(pool(context, hidden, last), 'pooler_output', ['batch_size', hiddenSize]);
    } else if (task === 'image-classification') {
      const pooled = pool(context, hidden, lastHiddenState());
      const logits = gemm(graph, heads, pooled, 'classifier', [hiddenSize, config.numLabels], 'num_labels (id2label)');
      output(logits, 'logits', ['batch_size', config.numLabels]);
    } else if (task === 'masked-image-modeling') {
      // beitTask gives this task only to BeitConfig, the config with a vocabulary.
      const { vocabSize } = config as BeitConfig;
      const normalised = beitLayerNorm(headContext, patchTokens(context, lastHiddenState()), 'layernorm');
      const logits = linear(graph, heads, normalised, 'lm_head', [hiddenSize, vocabSize], 'vocab_size');
      output(logits, 'logits', ['batch_size', patches, vocabSize]);
    } else {
      const side = config.patchesPerSide * 4;
      output(beitSegmentationHead(headContext, architecture, pixelValues, hiddenStates), 'logits', [
        'batch_size',
        config.numLabels,
        side,
        side,
      ]);
    }
    if (config.json.output_hidden_states === true) {
      hiddenStates.forEach((state, i) => output(state, `hidden_states.${i}`, sequence));
    }
    return finishGraph(graph, config.modelType, architecture, options);
  };
}

/** BEiT's builder (checkpoint names under "beit."). */
export const buildBeitGraph = beitGraphBuilder('beit');
