// DPTNeck (reassemble stage, 3x3 convolutions, feature fusion stage) and DPTDepthEstimationHead as ONNX nodes,
// as modeling_dpt.py computes them at inference.
import { activation, linear, unsupportedOption } from '../../graph/layers.js';
import type { OnnxGraph } from '../../graph/onnx-graph.js';
import type { ModelWeights } from '../../graph/weights.js';
import type { DPTConfig } from './configuration-dpt.js';
import type { NeckInput } from './graph-dpt-encoder.js';

interface NeckContext {
  readonly graph: OnnxGraph;
  /** The head's weights ("neck.…", "head.…"). */
  readonly weights: ModelWeights;
  readonly config: DPTConfig;
}

/** A feature map [batch, channels, side, side]. */
interface FeatureMap {
  readonly value: string;
  readonly channels: number;
  readonly side: number;
}

/** A Conv2d at `prefix` (weight [out, in, k, k], bias [out] unless `bias` is false) with `stride` and `pad`. */
function conv(
  { graph, weights }: NeckContext,
  x: string,
  prefix: string,
  [inChannels, outChannels, kernel]: readonly [number, number, number],
  configField: string,
  options: { stride?: number; pad?: number; bias?: boolean } = {},
): string {
  const { stride = 1, pad = 0, bias = true } = options;
  const inputs = [x, weights.initializer(graph, `${prefix}.weight`, [outChannels, inChannels, kernel, kernel], configField)];
  if (bias) inputs.push(weights.initializer(graph, `${prefix}.bias`, [outChannels], configField));
  return graph.op('Conv', inputs, { kernel_shape: [kernel, kernel], strides: [stride, stride], pads: [pad, pad, pad, pad] });
}

/** Bilinear ×2 with align_corners=True (the fusion layers' and the head's upsampling). */
function upsample2x(graph: OnnxGraph, x: string): string {
  const scales = graph.constant('float32', [4], [1, 1, 2, 2]);
  return graph.op('Resize', [x, '', scales], { mode: 'linear', coordinate_transformation_mode: 'align_corners' });
}

/** Output side of a Conv2d / ConvTranspose2d. */
const convSide = (side: number, kernel: number, stride: number, pad: number) => Math.floor((side + 2 * pad - kernel) / stride) + 1;

/** The readout ([CLS]) token handled as `readout_type` says, then the patch tokens as a map [batch, hidden, side, side]. */
function tokensToMap(context: NeckContext, input: NeckInput, index: number): string {
  const { graph, weights, config } = context;
  const hidden = input.channels;
  const tokens = input.side * input.side;
  let patches = graph.op('Slice', [input.value, graph.int64s([1]), graph.int64s([tokens + 1]), graph.int64s([1])]);
  const cls = graph.op('Slice', [input.value, graph.int64s([0]), graph.int64s([1]), graph.int64s([1])]);
  if (config.readoutType === 'project') {
    const readout = graph.op('Expand', [cls, graph.op('Shape', [patches])]);
    const joined = graph.op('Concat', [patches, readout], { axis: 2 });
    const prefix = `neck.reassemble_stage.readout_projects.${index}.0`;
    const projected = linear(graph, weights, joined, prefix, [2 * hidden, hidden], 'readout_type "project" (hidden_size)');
    patches = activation(graph, projected, config.hiddenAct, 'hidden_act');
  } else if (config.readoutType === 'add') {
    patches = graph.op('Add', [patches, cls]);
  }
  const channelsFirst = graph.op('Transpose', [patches], { perm: [0, 2, 1] });
  return graph.op('Reshape', [channelsFirst, graph.int64s([0, hidden, input.side, input.side])]);
}

/** DPTReassembleLayer: 1×1 projection to neck_hidden_sizes[i], then ConvTranspose up (factor > 1) or a strided 3×3 down (< 1). */
function reassembleLayer(context: NeckContext, x: string, input: NeckInput, index: number): FeatureMap {
  const { graph, weights, config } = context;
  const channels = config.neckHiddenSizes[index]!;
  const factor = config.reassembleFactors[index]!;
  const prefix = `neck.reassemble_stage.layers.${index}`;
  const projected = conv(context, x, `${prefix}.projection`, [input.channels, channels, 1], 'neck_hidden_sizes');
  if (factor === 1) return { value: projected, channels, side: input.side };
  if (factor > 1) {
    if (!Number.isInteger(factor)) {
      throw unsupportedOption(
        'reassemble_factors',
        config.reassembleFactors,
        `an upsampling factor (${factor}) is a ConvTranspose2d kernel size: a whole number`,
      );
    }
    const shape = [channels, channels, factor, factor];
    const value = graph.op(
      'ConvTranspose',
      [
        projected,
        weights.initializer(graph, `${prefix}.resize.weight`, shape, 'neck_hidden_sizes, reassemble_factors'),
        weights.initializer(graph, `${prefix}.resize.bias`, [channels], 'neck_hidden_sizes'),
      ],
      { kernel_shape: [factor, factor], strides: [factor, factor] },
    );
    return { value, channels, side: input.side * factor };
  }
  const stride = Math.trunc(1 / factor);
  const value = conv(context, projected, `${prefix}.resize`, [channels, channels, 3], 'neck_hidden_sizes', { stride, pad: 1 });
  return { value, channels, side: convSide(input.side, 3, stride, 1) };
}

/** DPTReassembleStage: token sequences to maps at the factors' resolutions; feature maps (neck_ignore_stages) pass. */
function reassemble(context: NeckContext, inputs: readonly NeckInput[]): FeatureMap[] {
  return inputs.map((input, index) => {
    if (context.config.neckIgnoreStages.includes(index)) return input;
    return reassembleLayer(context, tokensToMap(context, input, index), input, index);
  });
}

/** DPTPreActResidualLayer: x + conv2(relu(conv1(relu(x)))). */
function residualUnit(context: NeckContext, x: string, prefix: string): string {
  const { graph, config } = context;
  const f = config.fusionHiddenSize;
  const options = { pad: 1, bias: config.useBiasInFusionResidual };
  const field = 'fusion_hidden_size, use_bias_in_fusion_residual';
  const first = conv(context, graph.op('Relu', [x]), `${prefix}.convolution1`, [f, f, 3], field, options);
  const second = conv(context, graph.op('Relu', [first]), `${prefix}.convolution2`, [f, f, 3], field, options);
  return graph.op('Add', [second, x]);
}

/** DPTFeatureFusionStage: from the coarsest map up, each layer adds the next map (through a residual unit), refines, doubles the size. */
function fuse(context: NeckContext, features: readonly FeatureMap[]): FeatureMap[] {
  const { graph, config } = context;
  const f = config.fusionHiddenSize;
  const fused: FeatureMap[] = [];
  [...features].reverse().forEach((feature, index) => {
    const prefix = `neck.fusion_stage.layers.${index}`;
    let x = feature.value;
    const previous = fused.at(-1);
    if (previous) {
      if (previous.side !== feature.side) {
        throw unsupportedOption(
          'reassemble_factors',
          config.reassembleFactors,
          `the fusion stage adds a ${feature.side}x${feature.side} map to the ${previous.side}x${previous.side} one above it: each neck map must be twice the size of the next`,
        );
      }
      x = graph.op('Add', [previous.value, residualUnit(context, feature.value, `${prefix}.residual_layer1`)]);
    }
    const refined = upsample2x(graph, residualUnit(context, x, `${prefix}.residual_layer2`));
    fused.push({
      value: conv(context, refined, `${prefix}.projection`, [f, f, 1], 'fusion_hidden_size'),
      channels: f,
      side: feature.side * 2,
    });
  });
  return fused;
}

/** DPTNeck: reassemble, a 3×3 convolution (no bias) per map to fusion_hidden_size, fusion. */
export function dptNeck(context: NeckContext, inputs: readonly NeckInput[]): FeatureMap[] {
  const { config } = context;
  const maps = reassemble(context, inputs).map((map, i) => ({
    value: conv(
      context,
      map.value,
      `neck.convs.${i}`,
      [map.channels, config.fusionHiddenSize, 3],
      'neck_hidden_sizes, fusion_hidden_size',
      {
        pad: 1,
        bias: false,
      },
    ),
    channels: config.fusionHiddenSize,
    side: map.side,
  }));
  return fuse(context, maps);
}

/** DPTDepthEstimationHead on fused[head_in_index]: [batch, side, side] depth, ReLU'd. */
export function depthHead(context: NeckContext, fused: readonly FeatureMap[]): { value: string; side: number } {
  const { graph, config } = context;
  const index = config.headInIndex < 0 ? fused.length + config.headInIndex : config.headInIndex;
  const input = fused[index];
  if (!input) throw unsupportedOption('head_in_index', config.headInIndex, `it must index the ${fused.length} fused maps`);
  let x = input.value;
  if (config.addProjection) {
    // The reference's projection is 256 → 256 whatever fusion_hidden_size is.
    if (config.fusionHiddenSize !== 256)
      throw unsupportedOption(
        'add_projection',
        true,
        `its 256-channel convolution needs fusion_hidden_size 256, not ${config.fusionHiddenSize}`,
      );
    x = graph.op('Relu', [conv(context, x, 'head.projection', [256, 256, 3], 'add_projection', { pad: 1 })]);
  }
  const f = config.fusionHiddenSize;
  const half = Math.floor(f / 2);
  x = upsample2x(graph, conv(context, x, 'head.head.0', [f, half, 3], 'fusion_hidden_size', { pad: 1 }));
  x = graph.op('Relu', [conv(context, x, 'head.head.2', [half, 32, 3], 'fusion_hidden_size', { pad: 1 })]);
  x = graph.op('Relu', [conv(context, x, 'head.head.4', [32, 1, 1], 'fusion_hidden_size')]);
  return { value: graph.op('Squeeze', [x, graph.int64s([1])]), side: input.side * 2 };
}
