// Layers that several families' graphs share, on onnxruntime's fused operators where both its WebGPU
// and WebAssembly (CPU) providers have them.
import { RetinaError } from '../errors.js';
import { DATA_TYPE } from '../onnx/onnx-fields.js';
import { float, MICROSOFT_DOMAIN, type Dim, type OnnxGraph } from './onnx-graph.js';
import { quantizeBlocks, quantizePerChannelInt8 } from './quantize.js';
import { transpose2d, type ComputeType, type ModelWeights } from './weights.js';

/**
 * `x @ W^T + b` for a PyTorch Linear at `prefix` (`weight` [out, in], `bias` [out]); the weight is
 * transposed once here, so the graph has a plain MatMul and no Transpose of a constant. `scale` (one
 * factor, or one per output) multiplies the result, folded into the weight and bias. When the weights are
 * quantized (`weights.quantization`: dtype q8, q4) the layer is one {@link quantizedLinear} instead.
 */
export function linear(
  graph: OnnxGraph,
  weights: ModelWeights,
  x: string,
  prefix: string,
  [inFeatures, outFeatures]: readonly [number, number],
  configField: string,
  options: { bias?: boolean; scale?: number | Float32Array } = {},
): string {
  const factors = typeof options.scale === 'number' ? new Float32Array(outFeatures).fill(options.scale) : options.scale;
  const bias = () => (options.bias === false ? undefined : linearBias(graph, weights, prefix, outFeatures, configField, factors));
  if (weights.quantization) return quantizedLinear(graph, weights, x, prefix, [inFeatures, outFeatures], configField, bias(), factors);
  const target = { name: `${prefix}.weight.T`, dims: [inFeatures, outFeatures] };
  const w = weights.precomputed(graph, `${prefix}.weight`, [outFeatures, inFeatures], configField, target, (original, values) => {
    transpose2d(original, outFeatures, inFeatures, values);
    if (factors) {
      for (let row = 0; row < values.length; row += outFeatures)
        for (let o = 0; o < outFeatures; o++) values[row + o] = values[row + o]! * factors[o]!;
    }
  });
  const product = graph.op('MatMul', [x, w]);
  const b = bias();
  return b === undefined ? product : graph.op('Add', [product, b]);
}

/** A Linear's bias [out], times `factors` when given. */
function linearBias(
  graph: OnnxGraph,
  weights: ModelWeights,
  prefix: string,
  outFeatures: number,
  configField: string,
  factors: Float32Array | undefined,
): string {
  if (!factors) return weights.initializer(graph, `${prefix}.bias`, [outFeatures], configField);
  const bias = Float32Array.from(weights.floats(`${prefix}.bias`, [outFeatures], configField), (value, o) => value * factors[o]!);
  return weights.computed(graph, `${prefix}.bias.scaled`, [outFeatures], bias);
}

/**
 * A Linear whose weight (times `factors`, per output, when given) is quantized at build time as
 * `weights.quantization` says (graph/quantize.ts), with the float32 bias added by the same operator:
 * - `dynamic-int8`: onnxruntime's DynamicQuantizeMatMul, int8 weights [in, out] with one scale per output; the
 *   input is quantized to uint8 per tensor at run time and multiplied in integers (2.3x faster than float32
 *   MatMul for BEiT-base's MLP on WebAssembly, 2.6x on onnxruntime-node). Its kernel is the CPU provider's
 *   only: the WebGPU provider has no integer MatMul.
 * - `blocks`: MatMulNBits, weight-only: n-bit codes in blocks along K with a scale and zero point each,
 *   dequantized inside the kernel (on the CPU and WebAssembly no faster than float32; on WebGPU, where it runs
 *   on the GPU, a quarter of the memory traffic at 4 bits).
 */
export function quantizedLinear(
  graph: OnnxGraph,
  weights: ModelWeights,
  x: string,
  prefix: string,
  [inFeatures, outFeatures]: readonly [number, number],
  configField: string,
  bias: string | undefined,
  factors?: Float32Array,
): string {
  const quantization = weights.quantization;
  if (!quantization) throw new Error(`${prefix}: quantizedLinear needs quantized weights`);
  const weight = weights.floats(`${prefix}.weight`, [outFeatures, inFeatures], configField);
  // Bias is the last optional input, after '' for those skipped.
  const withBias = bias === undefined ? [] : ['', bias];
  if (quantization.kind === 'dynamic-int8') {
    const b = `${prefix}.weight.int8`;
    const codes = graph.reservedInitializer(b, 'int8', [inFeatures, outFeatures]);
    const { scales } = quantizePerChannelInt8(
      weight,
      outFeatures,
      inFeatures,
      factors,
      new Int8Array(codes.buffer, codes.byteOffset, codes.length),
    );
    const bScale = weights.computed(graph, `${prefix}.weight.scale`, [outFeatures], scales);
    return graph.op('DynamicQuantizeMatMul', [x, b, bScale, ...withBias], {}, MICROSOFT_DOMAIN);
  }
  const { bits, blockSize } = quantization;
  const blocks = [outFeatures, Math.ceil(inFeatures / blockSize)];
  const b = `${prefix}.weight.q${bits}`;
  const codes = graph.reservedInitializer(b, 'uint8', [...blocks, (blockSize * bits) / 8]);
  const q = quantizeBlocks(weight, outFeatures, inFeatures, bits, blockSize, factors, codes);
  const inputs = [
    x,
    b,
    weights.computed(graph, `${prefix}.weight.scales`, blocks, q.scales),
    graph.bytesInitializer(`${prefix}.weight.zero_points`, 'uint8', [outFeatures, q.zeroPoints.length / outFeatures], q.zeroPoints),
    ...withBias,
  ];
  return graph.op('MatMulNBits', inputs, { K: inFeatures, N: outFeatures, bits, block_size: blockSize }, MICROSOFT_DOMAIN);
}

/**
 * The image-classification head's `logits` output: the classifier Linear at `prefix` on the pooled [batch, features]
 * input, or the input itself when `num_labels` is 0 (the reference's nn.Identity).
 */
export function classifierLogits(
  graph: OnnxGraph,
  weights: ModelWeights,
  pooled: string,
  prefix: string,
  [features, numLabels]: readonly [number, number],
  type: ComputeType,
): void {
  const logits = numLabels > 0 ? gemm(graph, weights, pooled, prefix, [features, numLabels], 'num_labels') : pooled;
  floatOutput(graph, logits, 'logits', ['batch_size', numLabels > 0 ? numLabels : features], type);
}

/**
 * A PyTorch Linear on a 2-D input [rows, in] as Gemm with transB: the checkpoint's [out, in] weight is used as it
 * is. Quantized weights make it a {@link quantizedLinear}.
 */
export function gemm(
  graph: OnnxGraph,
  weights: ModelWeights,
  x: string,
  prefix: string,
  [inFeatures, outFeatures]: readonly [number, number],
  configField: string,
): string {
  const bias = () => weights.initializer(graph, `${prefix}.bias`, [outFeatures], configField);
  if (weights.quantization) return quantizedLinear(graph, weights, x, prefix, [inFeatures, outFeatures], configField, bias());
  const weight = weights.initializer(graph, `${prefix}.weight`, [outFeatures, inFeatures], configField);
  return graph.op('Gemm', [x, weight, bias()], { transB: 1 });
}

/** PyTorch LayerNorm over the last axis (`weight`, `bias` [size] at `prefix`) as one LayerNormalization. */
export function layerNorm(
  graph: OnnxGraph,
  weights: ModelWeights,
  x: string,
  prefix: string,
  size: number,
  epsilon: number,
  configField: string,
): string {
  const scale = weights.initializer(graph, `${prefix}.weight`, [size], configField);
  const bias = weights.initializer(graph, `${prefix}.bias`, [size], configField);
  return graph.op('LayerNormalization', [x, scale, bias], { axis: -1, epsilon: float(epsilon) });
}

/** PyTorch's exact (erf) GELU, as onnxruntime's fused Gelu. */
export function gelu(graph: OnnxGraph, x: string): string {
  return graph.op('Gelu', [x], {}, MICROSOFT_DOMAIN);
}

/** The heads of an attention layer, and the graph's compute type. */
export interface AttentionHeads {
  readonly numHeads: number;
  readonly headSize: number;
  readonly type: ComputeType;
}

/**
 * Scaled dot-product attention of [batch, tokens, hidden] projections, as onnxruntime's MultiHeadAttention;
 * `attentionBias` ([1 or batch, heads, tokens, tokens]) is added to the scores before the softmax. Returns
 * [batch, tokens, hidden]. Graphs for the WebGPU provider spell it out as MatMul, Softmax, MatMul instead:
 * onnxruntime-web 1.30's WebGPU MultiHeadAttention is wrong for some shapes (on SwiftShader, head size 8 at 37
 * tokens: errors up to 0.46, where head size 8 at 17 tokens and head size 6 at 37 are right).
 */
export function multiHeadAttention(
  graph: OnnxGraph,
  q: string,
  k: string,
  v: string,
  { numHeads, headSize, type }: AttentionHeads,
  attentionBias?: string,
): string {
  if (!graph.spelledOutAttention) {
    const inputs = attentionBias === undefined ? [q, k, v] : [q, k, v, '', '', attentionBias];
    return graph.op('MultiHeadAttention', inputs, { num_heads: numHeads }, MICROSOFT_DOMAIN);
  }
  const split = (x: string, perm: number[]) =>
    graph.op('Transpose', [graph.op('Reshape', [x, graph.int64s([0, 0, numHeads, headSize])])], { perm });
  const scale = graph.constant('float32', [], [1 / Math.sqrt(headSize)]);
  const typedScale = type === 'float32' ? scale : graph.op('Cast', [scale], { to: DATA_TYPE.float16 });
  let scores = graph.op('Mul', [graph.op('MatMul', [split(q, [0, 2, 1, 3]), split(k, [0, 2, 3, 1])]), typedScale]);
  if (attentionBias !== undefined) scores = graph.op('Add', [scores, attentionBias]);
  const context = graph.op('MatMul', [graph.op('Softmax', [scores], { axis: -1 }), split(v, [0, 2, 1, 3])]);
  const merged = graph.op('Transpose', [context], { perm: [0, 2, 1, 3] });
  return graph.op('Reshape', [merged, graph.int64s([0, 0, numHeads * headSize])]);
}

/** A float32 graph input, cast to the compute type (float16 builds keep float32 at the session boundary). */
export function floatInput(graph: OnnxGraph, name: string, dims: readonly Dim[], type: ComputeType): string {
  const input = graph.input(name, 'float32', dims);
  return type === 'float32' ? input : graph.op('Cast', [input], { to: DATA_TYPE.float16 });
}

/** `value` (of the compute type) as the float32 graph output `name`. */
export function floatOutput(graph: OnnxGraph, value: string, name: string, dims: readonly Dim[], type: ComputeType): void {
  graph.output(type === 'float32' ? value : graph.op('Cast', [value], { to: DATA_TYPE.float32 }), name, 'float32', dims);
}

/** Transformers' ACT2FN activations that graphs support, by config name (`hidden_act`). */
const ACTIVATIONS: Readonly<Record<string, (graph: OnnxGraph, x: string) => string>> = {
  relu: (graph, x) => graph.op('Relu', [x]),
  gelu: gelu,
  // The tanh approximation, which onnxruntime fuses as FastGelu.
  gelu_new: (graph, x) => graph.op('FastGelu', [x], {}, MICROSOFT_DOMAIN),
  gelu_pytorch_tanh: (graph, x) => graph.op('FastGelu', [x], {}, MICROSOFT_DOMAIN),
  silu: (graph, x) => graph.op('Mul', [x, graph.op('Sigmoid', [x])]),
  swish: (graph, x) => graph.op('Mul', [x, graph.op('Sigmoid', [x])]),
  sigmoid: (graph, x) => graph.op('Sigmoid', [x]),
  tanh: (graph, x) => graph.op('Tanh', [x]),
  linear: (_, x) => x,
};

/** Fails with INVALID_CONFIG naming `configField` (e.g. "hidden_act") unless `name` is an activation graphs support. */
export function checkActivation(name: string, configField: string): void {
  if (!Object.hasOwn(ACTIVATIONS, name)) {
    throw new RetinaError(
      'INVALID_CONFIG',
      `config.json: ${configField} "${name}" is not supported for running from weights; supported: ${Object.keys(ACTIVATIONS).join(', ')}.`,
    );
  }
}

/** The activation `name` (checked with {@link checkActivation}) applied to `x`. */
export function activation(graph: OnnxGraph, x: string, name: string, configField: string): string {
  checkActivation(name, configField);
  return ACTIVATIONS[name]!(graph, x);
}

/** INVALID_CONFIG for a config value the reference accepts but graph builders do not. */
export function unsupportedOption(configField: string, value: unknown, why: string): RetinaError {
  return new RetinaError(
    'INVALID_CONFIG',
    `config.json: ${configField} ${JSON.stringify(value)} is not supported for running from weights: ${why}.`,
  );
}
