// BitModel, BitForImageClassification and BitBackbone as ONNX graphs built from config.json and the weights.
import { finishGraph, headTask, startGraph, type GraphBuilder } from '../../graph/graph-builder.js';
import { classifierLogits, floatInput, floatOutput } from '../../graph/layers.js';
import { bitHiddenStates, groupNorm, type BitGraphContext } from './bit-encoder-graph.js';
import { BitConfig } from './configuration-bit.js';

const TASKS = ['image-feature-extraction', 'image-classification', 'backbone'] as const;

/** BitModel's outputs: the last stage after the final norm (preactivation only) and its global average. */
function bitModel(ctx: BitGraphContext, pixelValues: string): { lastHiddenState: string; pooled: string; channels: number } {
  const { config, graph } = ctx;
  const { values, channels } = bitHiddenStates(ctx, pixelValues, config.depths.length);
  const last = values[values.length - 1]!;
  const lastChannels = channels[channels.length - 1]!;
  const lastHiddenState = config.layerType === 'preactivation' ? groupNorm(ctx, last, 'norm', lastChannels) : last;
  return { lastHiddenState, pooled: graph.op('GlobalAveragePool', [lastHiddenState]), channels: lastChannels };
}

export const buildBitGraph: GraphBuilder<BitConfig> = (config, head, checkpoint, options) => {
  const task = headTask(head, 'BiT', TASKS);
  const { graph, weights, type } = startGraph(checkpoint, options, { basePrefix: 'bit', where: options.source ?? 'the checkpoint' });
  weights.requireBaseModel('bit', 'embedder.convolution.weight');
  const ctx: BitGraphContext = { graph, weights, config, field: (name) => name };
  const pixelValues = floatInput(graph, 'pixel_values', ['batch_size', config.numChannels, 'height', 'width'], type);

  if (task === 'backbone') {
    const stageCount = Math.max(...config.outFeatures.map((feature) => config.stageNames.indexOf(feature)));
    const { values, channels } = bitHiddenStates(ctx, pixelValues, stageCount);
    // The reference walks stage_names and keeps those in out_features: stage order.
    config.stageNames
      .map((stage, index) => ({ stage, index }))
      .filter(({ stage }) => config.outFeatures.includes(stage))
      .forEach(({ index }, i) => {
        const name = `feature_maps.${i}`;
        floatOutput(graph, values[index]!, name, ['batch_size', channels[index]!, `${name}_height`, `${name}_width`], type);
      });
  } else {
    const { lastHiddenState, pooled, channels } = bitModel(ctx, pixelValues);
    if (task === 'image-feature-extraction') {
      floatOutput(
        graph,
        lastHiddenState,
        'last_hidden_state',
        ['batch_size', channels, 'last_hidden_state_height', 'last_hidden_state_width'],
        type,
      );
      floatOutput(graph, pooled, 'pooler_output', ['batch_size', channels, 1, 1], type);
    } else {
      const flat = graph.op('Flatten', [pooled], { axis: 1 });
      classifierLogits(graph, weights, flat, 'classifier.1', [channels, config.numLabels], type);
    }
  }
  return finishGraph(graph, BitConfig.modelType, head.architecture, options);
};
