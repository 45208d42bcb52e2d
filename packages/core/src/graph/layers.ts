// Layers that several families' graphs share, on onnxruntime's fused operators where both its WebGPU
// and WebAssembly (CPU) providers have them.
import { RetinaError } from '../errors.js';
import { DATA_TYPE } from '../hub/onnx-fields.js';
import { float, MICROSOFT_DOMAIN, type Dim, type OnnxGraph } from './onnx-graph.js';
import { transpose2d, type ComputeType, type ModelWeights } from './weights.js';

/**
 * `x @ W^T + b` for a PyTorch Linear at `prefix` (`weight` [out, in], `bias` [out]); the weight is
 * transposed once here, so the graph has a plain MatMul and no Transpose of a constant. `scale` (one
 * factor, or one per output) multiplies the result, folded into the weight and bias.
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
  const target = { name: `${prefix}.weight.T`, dims: [inFeatures, outFeatures] };
  const w = weights.precomputed(graph, `${prefix}.weight`, [outFeatures, inFeatures], configField, target, (original, values) => {
    transpose2d(original, outFeatures, inFeatures, values);
    if (factors) {
      for (let row = 0; row < values.length; row += outFeatures)
        for (let o = 0; o < outFeatures; o++) values[row + o] = values[row + o]! * factors[o]!;
    }
  });
  const product = graph.op('MatMul', [x, w]);
  if (options.bias === false) return product;
  if (!factors) return graph.op('Add', [product, weights.initializer(graph, `${prefix}.bias`, [outFeatures], configField)]);
  const bias = Float32Array.from(weights.floats(`${prefix}.bias`, [outFeatures], configField), (value, o) => value * factors[o]!);
  return graph.op('Add', [product, weights.computed(graph, `${prefix}.bias.scaled`, [outFeatures], bias)]);
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

/** A PyTorch Linear on a 2-D input [rows, in] as Gemm with transB: the checkpoint's [out, in] weight is used as it is. */
export function gemm(
  graph: OnnxGraph,
  weights: ModelWeights,
  x: string,
  prefix: string,
  [inFeatures, outFeatures]: readonly [number, number],
  configField: string,
): string {
  const weight = weights.initializer(graph, `${prefix}.weight`, [outFeatures, inFeatures], configField);
  return graph.op('Gemm', [x, weight, weights.initializer(graph, `${prefix}.bias`, [outFeatures], configField)], { transB: 1 });
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

/**
 * Scaled dot-product attention of [batch, tokens, hidden] projections with `numHeads` heads, as
 * onnxruntime's MultiHeadAttention; `attentionBias` ([1 or batch, heads, tokens, tokens]) is added to the
 * scores before the softmax. Returns [batch, tokens, hidden].
 */
export function multiHeadAttention(graph: OnnxGraph, q: string, k: string, v: string, numHeads: number, attentionBias?: string): string {
  const inputs = attentionBias === undefined ? [q, k, v] : [q, k, v, '', '', attentionBias];
  return graph.op('MultiHeadAttention', inputs, { num_heads: numHeads }, MICROSOFT_DOMAIN);
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
