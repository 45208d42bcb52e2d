// BiT's stem and stages as ONNX nodes, as Transformers' modeling_bit.py computes them at inference:
// weight-standardised convolutions (standardised here, once), group norm on InstanceNormalization,
// TF-"SAME" padding computed from the input shape inside the graph. BitModel and ViT-Hybrid's backbone
// both build on it.
import { activation, checkActivation, unsupportedOption } from '../../graph/layers.js';
import { float, type OnnxGraph } from '../../graph/onnx-graph.js';
import type { ModelWeights } from '../../graph/weights.js';
import type { BitConfig } from './configuration-bit.js';

/** The BiT config being built and how its fields are named in messages ("" or "backbone_config."). */
export interface BitGraphContext {
  readonly graph: OnnxGraph;
  readonly weights: ModelWeights;
  readonly config: BitConfig;
  readonly field: (name: string) => string;
}

/** Outputs of the stem and of each stage built, in stage order (`stem`, `stage1`, ...), and their channels. */
export interface BitHiddenStates {
  readonly values: readonly string[];
  readonly channels: readonly number[];
}

/** Transformers' make_div: channels rounded to a multiple of 8, never below 90 % of the value. */
export function makeDivisible(value: number, divisor = 8): number {
  let rounded = Math.max(divisor, Math.floor(Math.floor(value + divisor / 2) / divisor) * divisor);
  if (rounded < 0.9 * value) rounded += divisor;
  return rounded;
}

interface ConvSpec {
  readonly inChannels: number;
  readonly outChannels: number;
  readonly kernel: number;
  readonly stride?: number;
  readonly dilation?: number;
  /** The config field the weight's shape follows, for messages. */
  readonly configField: string;
}

/** Pads [top, left, bottom, right] of TF-"SAME" for the input's height and width, computed in the graph (int64 [8] for Pad). */
function samePads(graph: OnnxGraph, x: string, kernel: number, stride: number, dilation: number): string {
  const size = graph.op('Slice', [graph.op('Shape', [x]), graph.int64s([2]), graph.int64s([4])]);
  const outSize = graph.op('Div', [graph.op('Add', [size, graph.int64s([stride - 1])]), graph.int64s([stride])]);
  const needed = graph.op('Sub', [
    graph.op('Add', [
      graph.op('Mul', [graph.op('Sub', [outSize, graph.int64s([1])]), graph.int64s([stride])]),
      graph.int64s([(kernel - 1) * dilation + 1]),
    ]),
    size,
  ]);
  const total = graph.op('Max', [needed, graph.int64s([0])]);
  const head = graph.op('Div', [total, graph.int64s([2])]);
  const tail = graph.op('Sub', [total, head]);
  return graph.op('Concat', [graph.int64s([0, 0]), head, graph.int64s([0, 0]), tail], { axis: 0 });
}

/** Zero padding of `x` [N, C, H, W] by the TF-"SAME" amounts for this kernel. */
function padSame(graph: OnnxGraph, x: string, kernel: number, stride: number, dilation: number): string {
  return graph.op('Pad', [x, samePads(graph, x, kernel, stride, dilation)], { mode: 'constant' });
}

/**
 * WeightStandardizedConv2d: the weight normalised per output channel over the rest (biased variance,
 * `eps` 1e-8), in double precision like PyTorch's CPU batch norm statistics, precomputed once.
 */
function standardizedWeight(ctx: BitGraphContext, name: string, spec: ConvSpec): string {
  const shape = [spec.outChannels, spec.inChannels, spec.kernel, spec.kernel];
  const target = { name: `${ctx.weights.tensor(`${name}.weight`, shape, spec.configField).name}.standardized`, dims: shape };
  return ctx.weights.precomputed(ctx.graph, `${name}.weight`, shape, spec.configField, target, (values, out) =>
    standardize(values, spec.outChannels, out),
  );
}

/** Each of `rows` rows of `values` minus its mean, over its standard deviation (biased, eps 1e-8), in double precision, into `standardized`. */
function standardize(values: Float32Array, rows: number, standardized: Float32Array): void {
  const perRow = values.length / rows;
  for (let o = 0; o < rows; o++) {
    const row = values.subarray(o * perRow, (o + 1) * perRow);
    let mean = 0;
    for (const v of row) mean += v;
    mean /= perRow;
    let variance = 0;
    for (const v of row) variance += (v - mean) ** 2;
    variance /= perRow;
    const scale = 1 / Math.sqrt(variance + 1e-8);
    for (let i = 0; i < perRow; i++) standardized[o * perRow + i] = (row[i]! - mean) * scale;
  }
}

/**
 * The padding `global_padding` asks for (get_padding_value's three cases): a fixed amount per side, or
 * "same" for TF-"SAME" computed from the input size.
 */
function convPadding(globalPadding: BitConfig['globalPadding'], kernel: number, stride: number, dilation: number): number | 'same' {
  const reach = dilation * (kernel - 1);
  if (globalPadding === 'SAME') return stride === 1 && reach % 2 === 0 ? reach / 2 : 'same';
  return globalPadding === 'VALID' ? 0 : Math.floor((stride - 1 + reach) / 2);
}

/** Output height or width of such a convolution (or pool) for an input of `size`. */
function convOutputSize(size: number, padding: number | 'same', kernel: number, stride: number, dilation = 1): number {
  if (padding === 'same') return Math.ceil(size / stride);
  return Math.floor((size + 2 * padding - dilation * (kernel - 1) - 1) / stride) + 1;
}

/** A weight-standardised convolution with the padding `global_padding` asks for. */
function conv(ctx: BitGraphContext, x: string, name: string, spec: ConvSpec): string {
  const { kernel, stride = 1, dilation = 1 } = spec;
  const weight = standardizedWeight(ctx, name, spec);
  const attributes = { kernel_shape: [kernel, kernel], strides: [stride, stride], dilations: [dilation, dilation] };
  const pad = convPadding(ctx.config.globalPadding, kernel, stride, dilation);
  if (pad !== 'same') return ctx.graph.op('Conv', [x, weight], { ...attributes, pads: [pad, pad, pad, pad] });
  // A kernel no wider than the stride never needs SAME padding.
  const input = dilation * (kernel - 1) + 1 <= stride ? x : padSame(ctx.graph, x, kernel, stride, dilation);
  return ctx.graph.op('Conv', [input, weight], { ...attributes, pads: [0, 0, 0, 0] });
}

/** BitGroupNormActivation: group norm (eps 1e-5) over `num_groups` groups, affine, then `hidden_act` unless `withActivation` is false. */
export function groupNorm(ctx: BitGraphContext, x: string, name: string, channels: number, withActivation = true): string {
  const { graph, weights, config } = ctx;
  const groups = config.numGroups;
  if (channels % groups !== 0)
    throw unsupportedOption(ctx.field('num_groups'), groups, `it must divide every stage's channels (${channels} here)`);
  const grouped = graph.op('Reshape', [x, graph.int64s([0, groups, -1])]);
  const ones = weights.computed(graph, graph.uniqueName('group_norm_scale'), [groups], new Float32Array(groups).fill(1));
  const zeros = weights.computed(graph, graph.uniqueName('group_norm_bias'), [groups], new Float32Array(groups));
  const normalized = graph.op('InstanceNormalization', [grouped, ones, zeros], { epsilon: float(1e-5) });
  const restored = graph.op('Reshape', [normalized, graph.op('Shape', [x])]);
  const gamma = weights.initializer(graph, `${name}.weight`, [channels], ctx.field('hidden_sizes'), [channels, 1, 1]);
  const beta = weights.initializer(graph, `${name}.bias`, [channels], ctx.field('hidden_sizes'), [channels, 1, 1]);
  const affine = graph.op('Add', [graph.op('Mul', [restored, gamma]), beta]);
  return withActivation ? activation(graph, affine, config.hiddenAct, ctx.field('hidden_act')) : affine;
}

/** BitEmbeddings: 7x7/2 convolution, padding, group norm (bottleneck only), 3x3/2 max pool. */
function embeddings(ctx: BitGraphContext, pixelValues: string): string {
  const { graph, config } = ctx;
  const spec = {
    inChannels: config.numChannels,
    outChannels: config.embeddingSize,
    kernel: 7,
    stride: 2,
    configField: ctx.field('embedding_size'),
  };
  let x = conv(ctx, pixelValues, 'embedder.convolution', spec);
  if (config.globalPadding !== 'SAME') x = graph.op('Pad', [x, graph.int64s([0, 0, 1, 1, 0, 0, 1, 1])], { mode: 'constant' });
  if (config.layerType !== 'preactivation') x = groupNorm(ctx, x, 'embedder.norm', config.embeddingSize);
  // BitMaxPool2d pads with zeros, not -inf (the session disables onnxruntime's Pad_Fusion, which would fold it into the pool).
  if (config.embeddingDynamicPadding) x = padSame(graph, x, 3, 2, 1);
  return graph.op('MaxPool', [x], { kernel_shape: [3, 3], strides: [2, 2], pads: [0, 0, 0, 0] });
}

interface LayerSpec {
  readonly inChannels: number;
  readonly outChannels: number;
  readonly stride: number;
  readonly dilation: number;
  readonly firstLayer: boolean;
  readonly configField: string;
}

/** BitPreActivationBottleneckLayer (its 3x3 convolution takes no dilation, as in the reference). */
function preActivationLayer(ctx: BitGraphContext, x: string, name: string, spec: LayerSpec): string {
  const mid = makeDivisible(spec.outChannels * 0.25);
  const { configField } = spec;
  const preact = groupNorm(ctx, x, `${name}.norm1`, spec.inChannels);
  const shortcut = spec.firstLayer
    ? conv(ctx, preact, `${name}.downsample.conv`, {
        inChannels: spec.inChannels,
        outChannels: spec.outChannels,
        kernel: 1,
        stride: spec.stride,
        configField,
      })
    : x;
  let h = conv(ctx, preact, `${name}.conv1`, { inChannels: spec.inChannels, outChannels: mid, kernel: 1, configField });
  h = conv(ctx, groupNorm(ctx, h, `${name}.norm2`, mid), `${name}.conv2`, {
    inChannels: mid,
    outChannels: mid,
    kernel: 3,
    stride: spec.stride,
    configField,
  });
  h = conv(ctx, groupNorm(ctx, h, `${name}.norm3`, mid), `${name}.conv3`, {
    inChannels: mid,
    outChannels: spec.outChannels,
    kernel: 1,
    configField,
  });
  return ctx.graph.op('Add', [h, shortcut]);
}

/** BitBottleneckLayer (ResNet v1.5 style, used by ViT-Hybrid). */
function bottleneckLayer(ctx: BitGraphContext, x: string, name: string, spec: LayerSpec): string {
  const mid = makeDivisible(spec.outChannels * 0.25);
  const { configField } = spec;
  let shortcut = x;
  if (spec.firstLayer) {
    const downsampled = conv(ctx, x, `${name}.downsample.conv`, {
      inChannels: spec.inChannels,
      outChannels: spec.outChannels,
      kernel: 1,
      stride: spec.stride,
      configField,
    });
    shortcut = groupNorm(ctx, downsampled, `${name}.downsample.norm`, spec.outChannels, false);
  }
  let h = groupNorm(
    ctx,
    conv(ctx, x, `${name}.conv1`, { inChannels: spec.inChannels, outChannels: mid, kernel: 1, configField }),
    `${name}.norm1`,
    mid,
  );
  const conv2 = { inChannels: mid, outChannels: mid, kernel: 3, stride: spec.stride, dilation: spec.dilation, configField };
  h = groupNorm(ctx, conv(ctx, h, `${name}.conv2`, conv2), `${name}.norm2`, mid);
  h = groupNorm(
    ctx,
    conv(ctx, h, `${name}.conv3`, { inChannels: mid, outChannels: spec.outChannels, kernel: 1, configField }),
    `${name}.norm3`,
    spec.outChannels,
    false,
  );
  return activation(ctx.graph, ctx.graph.op('Add', [h, shortcut]), ctx.config.hiddenAct, ctx.field('hidden_act'));
}

/** Fails with INVALID_CONFIG on config values the reference would reject or that the graph cannot honour. */
export function checkBitConfig(config: BitConfig, field: (name: string) => string): void {
  checkActivation(config.hiddenAct, field('hidden_act'));
  if (config.hiddenSizes.length < config.depths.length) {
    throw unsupportedOption(
      field('hidden_sizes'),
      config.hiddenSizes,
      `it needs one entry per stage of depths ${JSON.stringify(config.depths)}`,
    );
  }
  if (config.depths.some((depth) => depth < 1))
    throw unsupportedOption(field('depths'), config.depths, 'every stage needs at least one layer');
}

interface StagePlan {
  readonly outChannels: number;
  readonly stride: number;
  /** The dilation of the first layer's 3x3 convolution, then of the others'. */
  readonly firstDilation: number;
  readonly dilation: number;
}

/** BitEncoder's channels, stride and dilation schedule for the first `stageCount` stages (output_stride turns strides into dilation). */
function stagePlans(config: BitConfig, stageCount: number): StagePlan[] {
  const plans: StagePlan[] = [];
  let currentStride = 4;
  let dilation = 1;
  for (let stage = 0; stage < stageCount; stage++) {
    let stride = stage === 0 ? 1 : 2;
    if (currentStride >= config.outputStride) {
      dilation *= stride;
      stride = 1;
    }
    currentStride *= stride;
    const outChannels = makeDivisible(config.hiddenSizes[stage]! * config.widthFactor);
    plans.push({ outChannels, stride, firstDilation: dilation === 1 || dilation === 2 ? 1 : 2, dilation });
  }
  return plans;
}

/** Height or width of stage `stageCount`'s output (the stem's for 0) for an input of `size`, as the reference computes it. */
export function bitOutputSize(config: BitConfig, size: number, stageCount: number): number {
  let out = convOutputSize(size, convPadding(config.globalPadding, 7, 2, 1), 7, 2);
  if (config.globalPadding !== 'SAME') out += 2;
  out = config.embeddingDynamicPadding ? Math.ceil(out / 2) : convOutputSize(out, 0, 3, 2);
  for (const plan of stagePlans(config, stageCount)) {
    // The first layer's 3x3 convolution carries the stride (the preactivation layer ignores dilation).
    const dilation = config.layerType === 'preactivation' ? 1 : plan.firstDilation;
    out = convOutputSize(out, convPadding(config.globalPadding, 3, plan.stride, dilation), 3, plan.stride, dilation);
  }
  return out;
}

/**
 * The stem and the first `stageCount` stages. `values[0]` is the stem's output (hidden_states[0] in the
 * reference), `values[i]` stage i's.
 */
export function bitHiddenStates(ctx: BitGraphContext, pixelValues: string, stageCount: number): BitHiddenStates {
  const { config } = ctx;
  checkBitConfig(config, ctx.field);
  const values = [embeddings(ctx, pixelValues)];
  const channels = [config.embeddingSize];
  const layer = config.layerType === 'preactivation' ? preActivationLayer : bottleneckLayer;
  stagePlans(config, stageCount).forEach((plan, stage) => {
    let x = values[values.length - 1]!;
    for (let index = 0; index < config.depths[stage]!; index++) {
      const spec = {
        inChannels: index === 0 ? channels[channels.length - 1]! : plan.outChannels,
        outChannels: plan.outChannels,
        stride: index === 0 ? plan.stride : 1,
        dilation: index === 0 ? plan.firstDilation : plan.dilation,
        firstLayer: index === 0,
        configField: ctx.field(`hidden_sizes[${stage}]`),
      };
      x = layer(ctx, x, `encoder.stages.${stage}.layers.${index}`, spec);
    }
    values.push(x);
    channels.push(plan.outChannels);
  });
  return { values, channels };
}
