// BeitForSemanticSegmentation's multi-scale FPN and UperNet head as ONNX nodes. Batch norms (eval mode)
// are folded into the convolutions before them; the auxiliary FCN head only feeds the training loss.
import { RetinaError } from '../../errors.js';
import { gelu } from '../../graph/layers.js';
import type { ModelWeights } from '../../graph/weights.js';
import { patchTokens, type BeitBuildContext } from './graph-beit-encoder.js';

/** nn.BatchNorm2d's default. */
const BATCH_NORM_EPS = 1e-5;

/** Eval-mode batch norm as y = x·scale + shift per channel. */
function batchNorm(weights: ModelWeights, prefix: string, channels: number): { scale: Float32Array; shift: Float32Array } {
  const field = 'hidden_size';
  const gamma = weights.floats(`${prefix}.weight`, [channels], field);
  const beta = weights.floats(`${prefix}.bias`, [channels], field);
  const mean = weights.floats(`${prefix}.running_mean`, [channels], field);
  const variance = weights.floats(`${prefix}.running_var`, [channels], field);
  const scale = Float32Array.from(gamma, (g, c) => g / Math.sqrt(variance[c]! + BATCH_NORM_EPS));
  const shift = Float32Array.from(beta, (b, c) => b - mean[c]! * scale[c]!);
  return { scale, shift };
}

/** `weight` with every element of output channel o (axis `axis` of `shape`) multiplied by scale[o], into `out`. */
function scaleChannels(weight: Float32Array, shape: readonly number[], axis: number, scale: Float32Array, out: Float32Array): void {
  const inner = shape.slice(axis + 1).reduce((a, b) => a * b, 1);
  const channels = shape[axis]!;
  for (let start = 0, block = 0; start < weight.length; start += inner, block++) {
    const factor = scale[block % channels]!;
    for (let i = start; i < start + inner; i++) out[i] = weight[i]! * factor;
  }
}

/** BeitConvModule: Conv (no bias) → BatchNorm → ReLU, with the batch norm folded into the convolution. */
function convModule(context: BeitBuildContext, x: string, prefix: string, inChannels: number, kernel: 1 | 3): string {
  const { graph, weights } = context;
  const channels = context.config.hiddenSize;
  const shape = [channels, inChannels, kernel, kernel];
  const { scale, shift } = batchNorm(weights, `${prefix}.bn`, channels);
  const target = { name: `${prefix}.conv.weight.folded`, dims: shape };
  const weight = weights.precomputed(graph, `${prefix}.conv.weight`, shape, 'hidden_size, pool_scales', target, (values, out) =>
    scaleChannels(values, shape, 0, scale, out),
  );
  const pad = (kernel - 1) / 2;
  const conv = graph.op('Conv', [x, weight, weights.computed(graph, `${prefix}.conv.bias.folded`, [channels], shift)], {
    kernel_shape: [kernel, kernel],
    pads: [pad, pad, pad, pad],
  });
  return graph.op('Relu', [conv]);
}

/** ConvTranspose 2×2, stride 2 (the FPN's upsampling), optionally followed by a batch norm folded into it. */
function upsample2x(context: BeitBuildContext, x: string, prefix: string, batchNormPrefix?: string): string {
  const { graph, weights } = context;
  const hidden = context.config.hiddenSize;
  const shape = [hidden, hidden, 2, 2];
  let weight: string;
  let bias: string;
  if (batchNormPrefix === undefined) {
    weight = weights.initializer(graph, `${prefix}.weight`, shape, 'hidden_size');
    bias = weights.initializer(graph, `${prefix}.bias`, [hidden], 'hidden_size');
  } else {
    const { scale, shift } = batchNorm(weights, batchNormPrefix, hidden);
    const target = { name: `${prefix}.weight.folded`, dims: shape };
    weight = weights.precomputed(graph, `${prefix}.weight`, shape, 'hidden_size', target, (values, out) =>
      scaleChannels(values, shape, 1, scale, out),
    );
    const b = Float32Array.from(weights.floats(`${prefix}.bias`, [hidden], 'hidden_size'), (value, o) => value * scale[o]! + shift[o]!);
    bias = weights.computed(graph, `${prefix}.bias.folded`, [hidden], b);
  }
  return graph.op('ConvTranspose', [x, weight, bias], { kernel_shape: [2, 2], strides: [2, 2] });
}

/**
 * PyTorch's adaptive average pooling from n × n to o × o as a [n·n, o·o] matrix: output cell (i, j)
 * averages rows floor(i·n/o) to ceil((i+1)·n/o) and the same columns. Written into `matrix` (zeroed).
 */
export function adaptivePoolMatrix(n: number, o: number, matrix: Float32Array = new Float32Array(n * n * o * o)): Float32Array {
  const bins = Array.from({ length: o }, (_, i) => [Math.floor((i * n) / o), Math.ceil(((i + 1) * n) / o)] as const);
  bins.forEach(([top, bottom], i) =>
    bins.forEach(([left, right], j) => {
      const weight = 1 / ((bottom - top) * (right - left));
      for (let y = top; y < bottom; y++) for (let x = left; x < right; x++) matrix[(y * n + x) * o * o + i * o + j] = weight;
    }),
  );
  return matrix;
}

interface Resizer {
  /** Bilinear resize (align_corners false) of [batch, hidden, h, w] to size × size. */
  (x: string, size: number): string;
}

function bilinearResizer({ graph, config }: BeitBuildContext, pixelValues: string): Resizer {
  const batch = graph.op('Shape', [pixelValues], { end: 1 });
  return (x, size) => {
    const sizes = graph.op('Concat', [batch, graph.int64s([config.hiddenSize, size, size])], { axis: 0 });
    return graph.op('Resize', [x, '', '', sizes], { mode: 'linear', coordinate_transformation_mode: 'half_pixel' });
  };
}

/** The feature maps the head reads: Transformers keeps hidden_states[i] where i + 1 is in out_indices. */
function selectFeatures(context: BeitBuildContext, architecture: string, hiddenStates: readonly string[]): string[] {
  const { config } = context;
  const indices = [...config.outIndices].sort((a, b) => a - b);
  const valid =
    indices.length === 4 && indices.every((index, i) => index >= 1 && index <= config.numHiddenLayers && index !== indices[i - 1]);
  if (!valid) {
    throw new RetinaError(
      'INVALID_CONFIG',
      `config.json: ${architecture} needs "out_indices" to be 4 different layer numbers from 1 to num_hidden_layers ` +
        `(${config.numHiddenLayers}); got ${JSON.stringify(config.outIndices)}. Base-size models use [3, 5, 7, 11].`,
    );
  }
  const { graph } = context;
  const side = config.patchesPerSide;
  return indices.map((index) => {
    const channelsFirst = graph.op('Transpose', [patchTokens(context, hiddenStates[index - 1]!)], { perm: [0, 2, 1] });
    return graph.op('Reshape', [channelsFirst, graph.int64s([0, config.hiddenSize, side, side])]);
  });
}

/** Segmentation logits [batch, num_labels, 4·side, 4·side] from the encoder's hidden states. */
export function beitSegmentationHead(
  context: BeitBuildContext,
  architecture: string,
  pixelValues: string,
  hiddenStates: readonly string[],
): string {
  const { graph, weights, config } = context;
  const hidden = config.hiddenSize;
  const side = config.patchesPerSide;
  const [f1, f2, f3, f4] = selectFeatures(context, architecture, hiddenStates) as [string, string, string, string];
  const fpnGelu = gelu(graph, upsample2x(context, f1, 'fpn1.0', 'fpn1.1'));
  const features = [
    upsample2x(context, fpnGelu, 'fpn1.3'),
    upsample2x(context, f2, 'fpn2.0'),
    f3,
    graph.op('MaxPool', [f4], { kernel_shape: [2, 2], strides: [2, 2] }),
  ];
  const sizes = [4 * side, 2 * side, side, Math.floor(side / 2)];
  const resize = bilinearResizer(context, pixelValues);

  // Pyramid pooling on the coarsest map, then the bottleneck.
  const coarse = sizes[3]!;
  const flat = graph.op('Reshape', [features[3]!, graph.int64s([0, 0, coarse * coarse])]);
  const pooled = config.poolScales.map((scale, i) => {
    const shape = [coarse * coarse, scale * scale];
    const because = `pool_scales ${scale}, image_size ${config.imageSize} and patch_size ${config.patchSize}`;
    const values = adaptivePoolMatrix(coarse, scale, weights.budget.float32(shape, 'a pyramid pooling matrix', because));
    const matrix = weights.computed(graph, `decode_head.psp_modules.${i}.0.pool`, shape, values);
    const cells = graph.op('Reshape', [graph.op('MatMul', [flat, matrix]), graph.int64s([0, 0, scale, scale])]);
    return resize(convModule(context, cells, `decode_head.psp_modules.${i}.1`, hidden, 1), coarse);
  });
  const psp = graph.op('Concat', [features[3]!, ...pooled], { axis: 1 });
  const laterals = [0, 1, 2].map((i) => convModule(context, features[i]!, `decode_head.lateral_convs.${i}`, hidden, 1));
  laterals.push(convModule(context, psp, 'decode_head.bottleneck', hidden * (1 + config.poolScales.length), 3));

  // Top-down path.
  for (let i = 3; i > 0; i--) laterals[i - 1] = graph.op('Add', [laterals[i - 1]!, resize(laterals[i]!, sizes[i - 1]!)]);
  const outputs = [0, 1, 2].map((i) => convModule(context, laterals[i]!, `decode_head.fpn_convs.${i}`, hidden, 3));
  outputs.push(laterals[3]!);
  const fused = graph.op('Concat', [outputs[0]!, ...outputs.slice(1).map((output) => resize(output, sizes[0]!))], { axis: 1 });
  const bottleneck = convModule(context, fused, 'decode_head.fpn_bottleneck', 4 * hidden, 3);
  const labels = config.numLabels;
  return graph.op('Conv', [
    bottleneck,
    weights.initializer(graph, 'decode_head.classifier.weight', [labels, hidden, 1, 1], 'num_labels (id2label)'),
    weights.initializer(graph, 'decode_head.classifier.bias', [labels], 'num_labels (id2label)'),
  ]);
}
