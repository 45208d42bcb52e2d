// The state dict Transformers 4.37 saves for a config: every parameter's and persistent buffer's name and
// shape, as the reference's modeling_bit.py, modeling_vit_hybrid.py, modeling_beit.py, modeling_data2vec_vision.py
// and modeling_dpt.py lay them out, and a rule for random values that keeps activations finite (normal weights
// of std 0.02, zero biases, unit norms, layer scale as configured). The bench makes full-size checkpoints from it;
// checkpoint-parameters.test.ts checks it against every fixture checkpoint the reference wrote.

export type Init = { kind: 'normal'; std: number } | { kind: 'constant'; value: number };

export interface Parameter {
  name: string;
  shape: number[];
  dtype: 'F32' | 'I64';
  init: Init;
}

/** The config.json fields the state dict depends on. */
interface Labels {
  id2label?: Record<string, string>;
  num_labels?: number;
}

interface BitJson extends Labels {
  num_channels: number;
  embedding_size: number;
  hidden_sizes: number[];
  depths: number[];
  layer_type: string;
  width_factor: number;
}

interface TransformerJson extends Labels {
  hidden_size: number;
  intermediate_size: number;
  num_hidden_layers: number;
  num_attention_heads: number;
  num_channels: number;
  image_size: number;
  patch_size: number;
}

interface ViTHybridJson extends TransformerJson {
  qkv_bias?: boolean;
  backbone_config?: Partial<BitJson>;
}

interface BeitJson extends TransformerJson {
  layer_scale_init_value: number;
  use_mask_token?: boolean;
  use_absolute_position_embeddings?: boolean;
  use_relative_position_bias?: boolean;
  use_shared_relative_position_bias?: boolean;
  use_mean_pooling: boolean;
  vocab_size: number;
  pool_scales: number[];
  use_auxiliary_head: boolean;
  auxiliary_channels: number;
  auxiliary_num_convs: number;
  auxiliary_concat_input: boolean;
}

export interface ConfigJson {
  model_type: string;
  architectures?: string[];
}

const STD = 0.02;

class StateDict {
  readonly parameters: Parameter[] = [];
  tensor(name: string, shape: number[], init: Init = { kind: 'normal', std: STD }): void {
    this.parameters.push({ name, shape, dtype: 'F32', init });
  }
  /** nn.Linear / nn.Conv2d weight, with a bias unless `bias` is false. */
  affine(name: string, shape: number[], bias = true): void {
    this.tensor(`${name}.weight`, shape);
    if (bias) this.tensor(`${name}.bias`, [shape[0]!], { kind: 'constant', value: 0 });
  }
  /** nn.LayerNorm / nn.GroupNorm. */
  norm(name: string, channels: number): void {
    this.tensor(`${name}.weight`, [channels], { kind: 'constant', value: 1 });
    this.tensor(`${name}.bias`, [channels], { kind: 'constant', value: 0 });
  }
  /** nn.BatchNorm2d with its running statistics. */
  batchNorm(name: string, channels: number): void {
    this.norm(name, channels);
    this.tensor(`${name}.running_mean`, [channels], { kind: 'constant', value: 0 });
    this.tensor(`${name}.running_var`, [channels], { kind: 'constant', value: 1 });
    this.parameters.push({ name: `${name}.num_batches_tracked`, shape: [], dtype: 'I64', init: { kind: 'constant', value: 0 } });
  }
}

const numLabels = (config: Labels) => (config.id2label ? Object.keys(config.id2label).length : (config.num_labels ?? 2));

/** timm's make_divisible, as BiT rounds channel counts. */
function makeDiv(value: number, divisor = 8): number {
  const rounded = Math.max(divisor, Math.floor((value + divisor / 2) / divisor) * divisor);
  return rounded < 0.9 * value ? rounded + divisor : rounded;
}

const BIT_DEFAULTS: BitJson = {
  num_channels: 3,
  embedding_size: 64,
  hidden_sizes: [256, 512, 1024, 2048],
  depths: [3, 4, 6, 3],
  layer_type: 'preactivation',
  width_factor: 1,
};

/** BitModel under `prefix`; returns the channels of the last stage. */
function bitModel(dict: StateDict, prefix: string, json: Partial<BitJson>): number {
  const config = { ...BIT_DEFAULTS, ...json };
  const preactivation = config.layer_type === 'preactivation';
  dict.affine(`${prefix}embedder.convolution`, [config.embedding_size, config.num_channels, 7, 7], false);
  if (!preactivation) dict.norm(`${prefix}embedder.norm`, config.embedding_size);
  let channels = config.embedding_size;
  config.depths.forEach((depth, stage) => {
    const out = makeDiv(config.hidden_sizes[stage]! * config.width_factor);
    const mid = makeDiv(out * 0.25);
    for (let layer = 0; layer < depth; layer++) {
      const at = `${prefix}encoder.stages.${stage}.layers.${layer}`;
      if (layer === 0) {
        dict.affine(`${at}.downsample.conv`, [out, channels, 1, 1], false);
        if (!preactivation) dict.norm(`${at}.downsample.norm`, out);
      }
      dict.affine(`${at}.conv1`, [mid, channels, 1, 1], false);
      dict.affine(`${at}.conv2`, [mid, mid, 3, 3], false);
      dict.affine(`${at}.conv3`, [out, mid, 1, 1], false);
      // Pre-activation layers normalise each conv's input; bottleneck layers each conv's output.
      const normed = preactivation ? [channels, mid, mid] : [mid, mid, out];
      normed.forEach((size, i) => dict.norm(`${at}.norm${i + 1}`, size));
      channels = out;
    }
  });
  if (preactivation) dict.norm(`${prefix}norm`, config.hidden_sizes[config.depths.length - 1]!);
  return channels;
}

function bitParameters(dict: StateDict, json: Partial<BitJson>, architecture: string): void {
  const config = { ...BIT_DEFAULTS, ...json };
  if (architecture === 'BitModel') return void bitModel(dict, '', config);
  bitModel(dict, 'bit.', config);
  if (architecture === 'BitForImageClassification') dict.affine('classifier.1', [numLabels(config), config.hidden_sizes.at(-1)!]);
}

/** ViT encoder layers (ViT-Hybrid) or BEiT's, which add relative position bias and layer scale. */
function transformerLayers(dict: StateDict, prefix: string, config: ViTHybridJson | BeitJson, beit: boolean, biasTable?: number[]): void {
  const { hidden_size: hidden, intermediate_size: intermediate } = config;
  for (let layer = 0; layer < config.num_hidden_layers; layer++) {
    const at = `${prefix}encoder.layer.${layer}`;
    dict.affine(`${at}.attention.attention.query`, [hidden, hidden]);
    // BEiT's key projection has no bias; ViT's follows qkv_bias.
    dict.affine(`${at}.attention.attention.key`, [hidden, hidden], !beit && (config as ViTHybridJson).qkv_bias !== false);
    dict.affine(`${at}.attention.attention.value`, [hidden, hidden], beit || (config as ViTHybridJson).qkv_bias !== false);
    if (biasTable) dict.tensor(`${at}.attention.attention.relative_position_bias.relative_position_bias_table`, biasTable);
    dict.affine(`${at}.attention.output.dense`, [hidden, hidden]);
    dict.affine(`${at}.intermediate.dense`, [intermediate, hidden]);
    dict.affine(`${at}.output.dense`, [hidden, intermediate]);
    if (beit && (config as BeitJson).layer_scale_init_value > 0) {
      for (const scale of ['lambda_1', 'lambda_2'])
        dict.tensor(`${at}.${scale}`, [hidden], { kind: 'constant', value: (config as BeitJson).layer_scale_init_value });
    }
    dict.norm(`${at}.layernorm_before`, hidden);
    dict.norm(`${at}.layernorm_after`, hidden);
  }
}

function vitHybridParameters(dict: StateDict, config: ViTHybridJson, architecture: string): void {
  const prefix = architecture === 'ViTHybridModel' ? '' : 'vit.';
  const hidden = config.hidden_size;
  const backbone = { ...BIT_DEFAULTS, ...config.backbone_config };
  const featureDim = bitModel(dict, `${prefix}embeddings.patch_embeddings.backbone.bit.`, backbone);
  // The stem divides by 4 and every stage after the first by 2.
  const featureSide = config.image_size / (4 * 2 ** (backbone.depths.length - 1));
  const patches = (featureSide / config.patch_size) ** 2;
  dict.tensor(`${prefix}embeddings.cls_token`, [1, 1, hidden]);
  dict.tensor(`${prefix}embeddings.position_embeddings`, [1, patches + 1, hidden]);
  dict.affine(`${prefix}embeddings.patch_embeddings.projection`, [hidden, featureDim, config.patch_size, config.patch_size]);
  transformerLayers(dict, prefix, config, false);
  dict.norm(`${prefix}layernorm`, hidden);
  if (architecture === 'ViTHybridModel') dict.affine('pooler.dense', [hidden, hidden]);
  else dict.affine('classifier', [numLabels(config), hidden]);
}

/** BEiT's UperHead (PSP on the last feature map, FPN over all four) and the auxiliary FCN head. */
function beitSegmentationHeads(dict: StateDict, config: BeitJson): void {
  const hidden = config.hidden_size;
  const labels = numLabels(config);
  const convModule = (name: string, out: number, inChannels: number, kernel: number) => {
    dict.affine(`${name}.conv`, [out, inChannels, kernel, kernel], false);
    dict.batchNorm(`${name}.bn`, out);
  };
  for (const fpn of ['fpn1.0', 'fpn1.3', 'fpn2.0']) dict.affine(fpn, [hidden, hidden, 2, 2]);
  dict.batchNorm('fpn1.1', hidden);
  const scales = config.pool_scales;
  scales.forEach((_, i) => convModule(`decode_head.psp_modules.${i}.1`, hidden, hidden, 1));
  convModule('decode_head.bottleneck', hidden, hidden + scales.length * hidden, 3);
  for (let i = 0; i < 3; i++) {
    convModule(`decode_head.lateral_convs.${i}`, hidden, hidden, 1);
    convModule(`decode_head.fpn_convs.${i}`, hidden, hidden, 3);
  }
  convModule('decode_head.fpn_bottleneck', hidden, 4 * hidden, 3);
  dict.affine('decode_head.classifier', [labels, hidden, 1, 1]);
  if (!config.use_auxiliary_head) return;
  const channels = config.auxiliary_channels;
  for (let i = 0; i < config.auxiliary_num_convs; i++) convModule(`auxiliary_head.convs.${i}`, channels, i === 0 ? hidden : channels, 3);
  if (config.auxiliary_concat_input) convModule('auxiliary_head.conv_cat', channels, hidden + channels, 3);
  dict.affine('auxiliary_head.classifier', [labels, channels, 1, 1]);
}

/** BeitModel's parameters under `prefix`, less its heads: the final layernorm and pooler are the caller's. */
function beitModel(dict: StateDict, prefix: string, config: BeitJson, maskToken: boolean): void {
  const hidden = config.hidden_size;
  const side = config.image_size / config.patch_size;
  const biasTable = [(2 * side - 1) ** 2 + 3, config.num_attention_heads];
  dict.tensor(`${prefix}embeddings.cls_token`, [1, 1, hidden]);
  if (maskToken) dict.tensor(`${prefix}embeddings.mask_token`, [1, 1, hidden]);
  dict.affine(`${prefix}embeddings.patch_embeddings.projection`, [hidden, config.num_channels, config.patch_size, config.patch_size]);
  if (config.use_absolute_position_embeddings) dict.tensor(`${prefix}embeddings.position_embeddings`, [1, side * side + 1, hidden]);
  if (config.use_shared_relative_position_bias)
    dict.tensor(`${prefix}encoder.relative_position_bias.relative_position_bias_table`, biasTable);
  transformerLayers(dict, prefix, config, true, config.use_relative_position_bias ? biasTable : undefined);
}

/**
 * BEiT's architectures, or data2vec-vision's (BEiT's modules under `data2vec_vision.`, named Data2VecVision…),
 * whose bare model has no pooler unless asked for one.
 */
function beitParameters(dict: StateDict, config: BeitJson, architecture: string, data2vec: boolean): void {
  const task = data2vec ? architecture.replace('Data2VecVision', 'Beit') : architecture;
  const prefix = task === 'BeitModel' ? '' : data2vec ? 'data2vec_vision.' : 'beit.';
  const hidden = config.hidden_size;
  beitModel(dict, prefix, config, config.use_mask_token === true || task === 'BeitForMaskedImageModeling');
  if (!config.use_mean_pooling) dict.norm(`${prefix}layernorm`, hidden);
  const pooled = (task === 'BeitModel' && !data2vec) || task === 'BeitForImageClassification';
  if (pooled && config.use_mean_pooling) dict.norm(`${prefix}pooler.layernorm`, hidden);
  if (task === 'BeitForImageClassification') dict.affine('classifier', [numLabels(config), hidden]);
  if (task === 'BeitForMaskedImageModeling') {
    dict.norm('layernorm', hidden);
    dict.affine('lm_head', [config.vocab_size, hidden]);
  }
  if (task === 'BeitForSemanticSegmentation') beitSegmentationHeads(dict, config);
}

interface DptJson {
  is_hybrid: boolean;
  backbone_config?: { model_type: string };
  backbone_featmap_shape?: number[] | null;
  hidden_act: string;
  readout_type: string;
  neck_hidden_sizes: number[];
  reassemble_factors: number[];
  fusion_hidden_size: number;
  use_batch_norm_in_fusion_residual: boolean;
  use_bias_in_fusion_residual?: boolean | null;
  add_projection: boolean;
}

/** DPTModel for hybrid configs: ViT-Hybrid's embeddings on BiT's backbone, kept as a 1×1 projection, and ViT layers. */
function dptHybridModel(dict: StateDict, prefix: string, config: ViTHybridJson & DptJson): void {
  const hidden = config.hidden_size;
  const featureDim = bitModel(dict, `${prefix}embeddings.backbone.bit.`, config.backbone_config ?? {});
  const patches = (config.image_size / config.patch_size) ** 2;
  dict.tensor(`${prefix}embeddings.cls_token`, [1, 1, hidden]);
  dict.tensor(`${prefix}embeddings.position_embeddings`, [1, patches + 1, hidden]);
  dict.affine(`${prefix}embeddings.projection`, [hidden, config.backbone_featmap_shape?.[1] ?? featureDim, 1, 1]);
  transformerLayers(dict, prefix, config, false);
  dict.norm(`${prefix}layernorm`, hidden);
}

/** DPTNeck: reassemble (readout projections, 1×1 projections, resampling by factor), 3×3 convs, fusion. */
function dptNeck(dict: StateDict, config: DptJson, backboneHidden: number): void {
  const { neck_hidden_sizes: sizes, fusion_hidden_size: fusion } = config;
  sizes.forEach((channels, i) => {
    // The hybrid's first two stages take BiT's feature maps as they are.
    if (config.is_hybrid && i <= 1) return;
    const at = `neck.reassemble_stage.layers.${i}`;
    dict.affine(`${at}.projection`, [channels, backboneHidden, 1, 1]);
    const factor = config.reassemble_factors[i]!;
    if (factor > 1) dict.affine(`${at}.resize`, [channels, channels, factor, factor]);
    if (factor < 1) dict.affine(`${at}.resize`, [channels, channels, 3, 3]);
    if (config.readout_type === 'project')
      dict.affine(`neck.reassemble_stage.readout_projects.${i}.0`, [backboneHidden, 2 * backboneHidden]);
  });
  sizes.forEach((channels, i) => dict.affine(`neck.convs.${i}`, [fusion, channels, 3, 3], false));
  const batchNorm = config.use_batch_norm_in_fusion_residual;
  const bias = config.use_bias_in_fusion_residual ?? !batchNorm;
  sizes.forEach((_, i) => {
    const at = `neck.fusion_stage.layers.${i}`;
    dict.affine(`${at}.projection`, [fusion, fusion, 1, 1]);
    for (const residual of ['residual_layer1', 'residual_layer2']) {
      for (const n of [1, 2]) {
        dict.affine(`${at}.${residual}.convolution${n}`, [fusion, fusion, 3, 3], bias);
        if (batchNorm) dict.batchNorm(`${at}.${residual}.batch_norm${n}`, fusion);
      }
    }
  });
}

/** DPTForDepthEstimation on a hybrid (BiT) or BEiT backbone; DPTModel for hybrid configs. */
function dptParameters(dict: StateDict, config: DptJson & ViTHybridJson, architecture: string): void {
  const beitBackbone = !config.is_hybrid && config.backbone_config?.model_type === 'beit';
  if (!config.is_hybrid && !beitBackbone) throw new Error('No parameter list for DPT other than hybrid or on a BEiT backbone');
  if (architecture === 'DPTModel' && config.is_hybrid) return dptHybridModel(dict, '', config);
  if (architecture !== 'DPTForDepthEstimation') throw new Error(`No parameter list for ${architecture}`);
  let backboneHidden = config.hidden_size;
  if (beitBackbone) {
    const backbone = config.backbone_config as unknown as BeitJson;
    beitModel(dict, 'backbone.', backbone, false);
    backboneHidden = backbone.hidden_size;
  } else dptHybridModel(dict, 'dpt.', config);
  dptNeck(dict, config, backboneHidden);
  const features = config.fusion_hidden_size;
  if (config.add_projection) dict.affine('head.projection', [256, 256, 3, 3]);
  dict.affine('head.head.0', [features / 2, features, 3, 3]);
  dict.affine('head.head.2', [32, features / 2, 3, 3]);
  dict.affine('head.head.4', [1, 32, 1, 1]);
}

/** The reference's state dict for config.json (its first architecture, else the bare model). */
export function referenceParameters(config: ConfigJson): Parameter[] {
  const dict = new StateDict();
  const [architecture] = config.architectures ?? [];
  switch (config.model_type) {
    case 'bit':
      bitParameters(dict, config as Partial<BitJson>, architecture ?? 'BitModel');
      break;
    case 'vit-hybrid':
      vitHybridParameters(dict, config as unknown as ViTHybridJson, architecture ?? 'ViTHybridModel');
      break;
    case 'beit':
      beitParameters(dict, config as unknown as BeitJson, architecture ?? 'BeitModel', false);
      break;
    case 'data2vec-vision':
      beitParameters(dict, config as unknown as BeitJson, architecture ?? 'Data2VecVisionModel', true);
      break;
    case 'dpt':
      dptParameters(dict, config as unknown as DptJson & ViTHybridJson, architecture ?? 'DPTModel');
      break;
    default:
      throw new Error(`No parameter list for model_type ${config.model_type}`);
  }
  return dict.parameters;
}
