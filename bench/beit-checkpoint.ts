// The state dict of a BEiT model (Transformers 4.37's parameter names and shapes) for a config.json, for
// random-weight checkpoints of the bench models (see checkpoints.ts).
import type { StateDictEntry } from './checkpoints.js';

interface BeitJson {
  architectures: string[];
  hidden_size: number;
  intermediate_size: number;
  num_hidden_layers: number;
  num_attention_heads: number;
  num_channels: number;
  image_size: number;
  patch_size: number;
  initializer_range: number;
  layer_scale_init_value: number;
  use_relative_position_bias: boolean;
  use_shared_relative_position_bias: boolean;
  use_absolute_position_embeddings: boolean;
  use_mean_pooling: boolean;
  use_mask_token: boolean;
  use_auxiliary_head: boolean;
  auxiliary_channels: number;
  pool_scales: number[];
  id2label: Record<string, string>;
}

export function beitStateDict(config: BeitJson): StateDictEntry[] {
  const { hidden_size: hidden, intermediate_size: intermediate, num_attention_heads: heads, patch_size: patch } = config;
  const side = Math.floor(config.image_size / patch);
  const labels = Object.keys(config.id2label).length;
  const std = config.initializer_range;
  const entries: StateDictEntry[] = [];
  const add = (name: string, shape: number[], init: StateDictEntry['init']) => entries.push({ name, shape, init });
  const linear = (prefix: string, out: number, inp: number, bias = true) => {
    add(`${prefix}.weight`, [out, inp], { std });
    if (bias) add(`${prefix}.bias`, [out], { std });
  };
  const layerNorm = (prefix: string, size = hidden) => {
    add(`${prefix}.weight`, [size], { constant: 1 });
    add(`${prefix}.bias`, [size], { std });
  };
  const batchNorm = (prefix: string, size: number) => {
    add(`${prefix}.weight`, [size], { constant: 1 });
    add(`${prefix}.bias`, [size], { std });
    add(`${prefix}.running_mean`, [size], { std });
    add(`${prefix}.running_var`, [size], { constant: 1 });
  };
  const convModule = (prefix: string, out: number, inp: number, kernel: number) => {
    add(`${prefix}.conv.weight`, [out, inp, kernel, kernel], { std });
    batchNorm(`${prefix}.bn`, out);
  };
  const table = [(2 * side - 1) ** 2 + 3, heads];

  const base = 'beit';
  add(`${base}.embeddings.cls_token`, [1, 1, hidden], { std });
  if (config.use_mask_token) add(`${base}.embeddings.mask_token`, [1, 1, hidden], { std });
  if (config.use_absolute_position_embeddings) add(`${base}.embeddings.position_embeddings`, [1, side * side + 1, hidden], { std });
  add(`${base}.embeddings.patch_embeddings.projection.weight`, [hidden, config.num_channels, patch, patch], { std });
  add(`${base}.embeddings.patch_embeddings.projection.bias`, [hidden], { std });
  if (config.use_shared_relative_position_bias) add(`${base}.encoder.relative_position_bias.relative_position_bias_table`, table, { std });
  for (let i = 0; i < config.num_hidden_layers; i++) {
    const layer = `${base}.encoder.layer.${i}`;
    linear(`${layer}.attention.attention.query`, hidden, hidden);
    linear(`${layer}.attention.attention.key`, hidden, hidden, false);
    linear(`${layer}.attention.attention.value`, hidden, hidden);
    if (config.use_relative_position_bias)
      add(`${layer}.attention.attention.relative_position_bias.relative_position_bias_table`, table, { std });
    linear(`${layer}.attention.output.dense`, hidden, hidden);
    linear(`${layer}.intermediate.dense`, intermediate, hidden);
    linear(`${layer}.output.dense`, hidden, intermediate);
    layerNorm(`${layer}.layernorm_before`);
    layerNorm(`${layer}.layernorm_after`);
    if (config.layer_scale_init_value > 0) {
      add(`${layer}.lambda_1`, [hidden], { constant: config.layer_scale_init_value });
      add(`${layer}.lambda_2`, [hidden], { constant: config.layer_scale_init_value });
    }
  }
  const architecture = config.architectures[0];
  if (!config.use_mean_pooling) layerNorm(`${base}.layernorm`);
  if (architecture === 'BeitForImageClassification') {
    if (config.use_mean_pooling) layerNorm(`${base}.pooler.layernorm`);
    linear('classifier', labels, hidden);
  } else if (architecture === 'BeitForSemanticSegmentation') {
    const deconv = (prefix: string) => {
      add(`${prefix}.weight`, [hidden, hidden, 2, 2], { std });
      add(`${prefix}.bias`, [hidden], { std });
    };
    deconv('fpn1.0');
    batchNorm('fpn1.1', hidden);
    deconv('fpn1.3');
    deconv('fpn2.0');
    config.pool_scales.forEach((_, i) => convModule(`decode_head.psp_modules.${i}.1`, hidden, hidden, 1));
    convModule('decode_head.bottleneck', hidden, hidden * (1 + config.pool_scales.length), 3);
    for (let i = 0; i < 3; i++) convModule(`decode_head.lateral_convs.${i}`, hidden, hidden, 1);
    for (let i = 0; i < 3; i++) convModule(`decode_head.fpn_convs.${i}`, hidden, hidden, 3);
    convModule('decode_head.fpn_bottleneck', hidden, 4 * hidden, 3);
    add('decode_head.classifier.weight', [labels, hidden, 1, 1], { std });
    add('decode_head.classifier.bias', [labels], { std });
    if (config.use_auxiliary_head) {
      convModule('auxiliary_head.convs.0', config.auxiliary_channels, hidden, 3);
      add('auxiliary_head.classifier.weight', [labels, config.auxiliary_channels, 1, 1], { std });
      add('auxiliary_head.classifier.bias', [labels], { std });
    }
  } else {
    throw new Error(`beitStateDict: no state dict for ${architecture}`);
  }
  return entries;
}
