// The pre-norm transformer block of ViT and its relatives (BEiT, data2vec-vision, ViT-Hybrid, DPT's own
// encoder): x + attention(layernorm_before(x)), then + mlp(layernorm_after(x)), with Transformers' names
// under `<prefix>.` (attention.attention.query/key/value, attention.output.dense, intermediate.dense, output.dense).
import { activation, layerNorm, linear, multiHeadAttention } from './layers.js';
import type { OnnxGraph } from './onnx-graph.js';
import type { ModelWeights } from './weights.js';

/** What the block reads of its model's config. */
export interface ViTBlockConfig {
  readonly hiddenSize: number;
  readonly numAttentionHeads: number;
  readonly intermediateSize: number;
  readonly hiddenAct: string;
  readonly layerNormEps: number;
}

export interface ViTBlockOptions {
  /** Whether query and value projections have a bias (ViT's `qkv_bias`); default true. */
  readonly qkvBias?: boolean;
  /** Whether the key projection has one; default `qkvBias` (BEiT's key has none). */
  readonly keyBias?: boolean;
  /** Added to the attention scores before the softmax: a relative position bias [1, heads, tokens, tokens]. */
  readonly attentionBias?: string;
  /** Layer scale (BEiT's λ1 and λ2, per output channel), folded into the attention output and MLP output projections. */
  readonly layerScale?: { readonly attention: Float32Array; readonly mlp: Float32Array };
}

/** One pre-norm block on hidden states `x` [batch, tokens, hidden] (see multiHeadAttention; Linear layers quantized when the build asks). */
export function preNormViTBlock(
  graph: OnnxGraph,
  weights: ModelWeights,
  config: ViTBlockConfig,
  x: string,
  prefix: string,
  options: ViTBlockOptions = {},
): string {
  const { hiddenSize: hidden, intermediateSize: intermediate, layerNormEps: eps } = config;
  const square = [hidden, hidden] as const;
  const qkvBias = options.qkvBias ?? true;
  const attentionInput = layerNorm(graph, weights, x, `${prefix}.layernorm_before`, hidden, eps, 'hidden_size');
  const project = (name: string, bias: boolean) =>
    linear(graph, weights, attentionInput, `${prefix}.attention.attention.${name}`, square, 'hidden_size', { bias });
  const attention = multiHeadAttention(
    graph,
    project('query', qkvBias),
    project('key', options.keyBias ?? qkvBias),
    project('value', qkvBias),
    { numHeads: config.numAttentionHeads, headSize: hidden / config.numAttentionHeads, type: weights.type },
    options.attentionBias,
  );
  const attended = linear(graph, weights, attention, `${prefix}.attention.output.dense`, square, 'hidden_size', {
    scale: options.layerScale?.attention,
  });
  const residual = graph.op('Add', [x, attended]);
  const mlpInput = layerNorm(graph, weights, residual, `${prefix}.layernorm_after`, hidden, eps, 'hidden_size');
  const expanded = linear(graph, weights, mlpInput, `${prefix}.intermediate.dense`, [hidden, intermediate], 'intermediate_size');
  const projected = linear(
    graph,
    weights,
    activation(graph, expanded, config.hiddenAct, 'hidden_act'),
    `${prefix}.output.dense`,
    [intermediate, hidden],
    'intermediate_size',
    { scale: options.layerScale?.mlp },
  );
  return graph.op('Add', [residual, projected]);
}
