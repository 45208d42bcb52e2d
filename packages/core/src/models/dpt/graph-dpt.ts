// DPTForDepthEstimation and DPTModel as ONNX graphs built from config.json and the weights: DPT-Hybrid (BiT
// stages + DPT's ViT encoder) or a BEiT backbone, then the neck (reassemble, fusion) and the depth head.
import { finishGraph, headTask, startGraph, type GraphBuilder } from '../../graph/graph-builder.js';
import { checkActivation, floatInput, floatOutput, gemm, layerNorm, unsupportedOption } from '../../graph/layers.js';
import { BeitConfig } from '../beit/configuration-beit.js';
import { DPTConfig, type DPTViTSettings } from './configuration-dpt.js';
import { beitBackbone, hybridEncoder, type DPTEncoderOutput, type NeckInput } from './graph-dpt-encoder.js';
import { depthHead, dptNeck } from './graph-dpt-neck.js';

const TASKS = ['image-feature-extraction', 'depth-estimation'] as const;
type DPTTask = (typeof TASKS)[number];

/** Refuses what the reference would not run, or what these graphs do not build, naming the option. */
function checkConfig(config: DPTConfig, task: DPTTask): void {
  if (!config.isHybrid && config.backboneConfig === undefined) {
    throw unsupportedOption(
      'backbone_config',
      null,
      'DPT graphs are built for DPT-Hybrid (is_hybrid) and BEiT backbones; export a plain ViT DPT to ONNX',
    );
  }
  if (task === 'image-feature-extraction' && config.backboneConfig instanceof BeitConfig) {
    throw unsupportedOption(
      'backbone_config',
      { model_type: 'beit' },
      "DPTModel is DPT's own ViT encoder, which a BEiT backbone replaces; use DPTForDepthEstimation",
    );
  }
  checkActivation(config.hiddenAct, 'hidden_act');
  if (config.useBatchNormInFusionResidual) {
    throw unsupportedOption('use_batch_norm_in_fusion_residual', true, 'no depth checkpoint uses it; export the model to ONNX instead');
  }
  const prunedHeads = config.json.pruned_heads;
  if (typeof prunedHeads === 'object' && prunedHeads !== null && Object.keys(prunedHeads).length > 0) {
    throw unsupportedOption('pruned_heads', prunedHeads, 'built graphs have every attention head; export the pruned model to ONNX instead');
  }
  for (const option of ['output_attentions', 'output_hidden_states']) {
    if (config.json[option] === true)
      throw unsupportedOption(option, true, 'built DPT graphs output the depth (or last hidden state) only; set it to false');
  }
  if (config.reassembleFactors.length < config.neckHiddenSizes.length) {
    throw unsupportedOption(
      'reassemble_factors',
      config.reassembleFactors,
      `it needs one factor per entry of neck_hidden_sizes ${JSON.stringify(config.neckHiddenSizes)}`,
    );
  }
}

function checkVit(config: DPTConfig, vit: DPTViTSettings): void {
  if (config.hiddenSize % vit.numAttentionHeads !== 0) {
    throw unsupportedOption('num_attention_heads', vit.numAttentionHeads, `it must divide hidden_size ${config.hiddenSize}`);
  }
  const ignored = [...config.neckIgnoreStages].sort((a, b) => a - b);
  if (ignored.length !== 2 || ignored[0] !== 0 || ignored[1] !== 1) {
    throw unsupportedOption(
      'neck_ignore_stages',
      config.neckIgnoreStages,
      "DPT-Hybrid's first two neck inputs are BiT maps, the others token sequences: it must be [0, 1]",
    );
  }
}

/** The neck reads one input per neck_hidden_sizes entry; say which option decides how many there are. */
function checkNeckInputs(config: DPTConfig, inputs: readonly NeckInput[]): void {
  if (inputs.length === config.neckHiddenSizes.length) return;
  const [field, value] = config.isHybrid
    ? ['backbone_out_indices', config.vit?.backboneOutIndices]
    : ['backbone_config.out_indices', (config.backboneConfig as BeitConfig).outIndices];
  throw unsupportedOption(
    field,
    value,
    `it gives the neck ${inputs.length} inputs but neck_hidden_sizes has ${config.neckHiddenSizes.length} entries`,
  );
}

export const buildDPTGraph: GraphBuilder<DPTConfig> = (config, head, checkpoint, options) => {
  const task = headTask(head, 'DPT', TASKS);
  checkConfig(config, task);
  if (config.vit) checkVit(config, config.vit);
  const where = options.source ?? checkpoint.files.map((file) => file.name).join(', ');
  const basePrefix = config.vit ? 'dpt' : 'backbone';
  const { graph, weights, type } = startGraph(checkpoint, options, { basePrefix, where });
  const { imageSize: size, numChannels } = config;
  const pixelValues = floatInput(graph, 'pixel_values', ['batch_size', numChannels, size, size], type);

  let encoder: DPTEncoderOutput;
  if (config.vit) {
    weights.requireBaseModel('dpt', 'embeddings.cls_token');
    encoder = hybridEncoder(graph, weights, config, config.vit, pixelValues);
  } else {
    weights.requireBaseModel('dpt', 'embeddings.patch_embeddings.projection.weight');
    encoder = beitBackbone(graph, weights, config, pixelValues);
  }

  if (task === 'image-feature-extraction') {
    const vit = config.vit!;
    const hidden = config.hiddenSize;
    const sequence = layerNorm(graph, weights, encoder.hiddenStates.at(-1)!, 'layernorm', hidden, vit.layerNormEps, 'hidden_size');
    const tokens = Math.floor(size / vit.patchSize) ** 2 + 1;
    floatOutput(graph, sequence, 'last_hidden_state', ['batch_size', tokens, hidden], type);
    // DPTModel's pooler (add_pooling_layer): present in DPTModel checkpoints, absent from DPTForDepthEstimation's.
    if (weights.has('pooler.dense.weight')) {
      const cls = graph.op('Gather', [sequence, graph.constant('int64', [], [0])], { axis: 1 });
      floatOutput(
        graph,
        graph.op('Tanh', [gemm(graph, weights, cls, 'pooler.dense', [hidden, hidden], 'hidden_size')]),
        'pooler_output',
        ['batch_size', hidden],
        type,
      );
    }
  } else {
    checkNeckInputs(config, encoder.neckInputs);
    const context = { graph, weights: weights.head(), config };
    const depth = depthHead(context, dptNeck(context, encoder.neckInputs));
    floatOutput(graph, depth.value, 'predicted_depth', ['batch_size', depth.side, depth.side], type);
  }
  return finishGraph(graph, DPTConfig.modelType, head.architecture, options);
};
