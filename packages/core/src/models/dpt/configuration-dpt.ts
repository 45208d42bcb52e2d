import type { ConfigReader } from '../../config/config-reader.js';
import { RetinaError } from '../../errors.js';
import { BeitConfig } from '../beit/configuration-beit.js';
import { BitConfig } from '../bit/configuration-bit.js';
import { PretrainedConfig } from '../pretrained-config.js';

export type DPTReadoutType = 'ignore' | 'add' | 'project';

/** Transformers' BiT backbone for an `is_hybrid` config without backbone_config: BiT-R50 style, first three stages. */
const DEFAULT_HYBRID_BACKBONE = {
  global_padding: 'same',
  layer_type: 'bottleneck',
  depths: [3, 4, 9],
  out_features: ['stage1', 'stage2', 'stage3'],
  embedding_dynamic_padding: true,
};

/** The DPT encoder's own ViT settings: present for `is_hybrid` (and plain ViT) configs, null in files with a backbone_config. */
export interface DPTViTSettings {
  readonly numHiddenLayers: number;
  readonly numAttentionHeads: number;
  readonly intermediateSize: number;
  readonly layerNormEps: number;
  readonly patchSize: number;
  readonly qkvBias: boolean;
  /** Encoder layers (0-based, after the embeddings) the neck reads; DPT-Hybrid reads only entries 2 and on. */
  readonly backboneOutIndices: readonly number[];
}

function numberList(reader: ConfigReader, key: string, fallback: readonly number[]): readonly number[] {
  const value = reader.json[key];
  if (value === undefined) return fallback;
  if (!Array.isArray(value) || !value.every((v) => typeof v === 'number' && Number.isFinite(v) && v > 0)) {
    throw reader.invalid(key, 'a list of positive numbers');
  }
  return value as number[];
}

/**
 * Configuration of DPT models (`model_type` "dpt"), read as Transformers 4.37's DPTConfig does: with `is_hybrid`
 * a BiT backbone_config (DPT-Hybrid: BiT stages, then DPT's own ViT encoder); otherwise a backbone_config of
 * another model type (here BEiT: MiDaS 3.1) replaces the ViT encoder, whose fields are then null in the file
 * and ignored, as the reference does.
 */
export class DPTConfig extends PretrainedConfig {
  static readonly modelType = 'dpt';

  readonly isHybrid: boolean;
  /** BiT for `is_hybrid`, BEiT for MiDaS 3.1 checkpoints; undefined for a plain ViT DPT. */
  readonly backboneConfig: BitConfig | BeitConfig | undefined;
  /** The ViT encoder's settings; undefined with a (non-hybrid) backbone_config. */
  readonly vit: DPTViTSettings | undefined;
  /** DPT's hidden size (its ViT encoder's); with a backbone_config, the neck reads the backbone's instead. */
  readonly hiddenSize: number;
  /** The readout projection's activation (and the ViT encoder's). */
  readonly hiddenAct: string;
  /** [1, channels, height, width] of the BiT backbone's last map (DPT-Hybrid); its channels size the projection. */
  readonly backboneFeatmapShape: readonly number[] | undefined;
  readonly readoutType: DPTReadoutType;
  readonly reassembleFactors: readonly number[];
  readonly neckHiddenSizes: readonly number[];
  readonly fusionHiddenSize: number;
  /** Which fused map (Python index, negative from the end) the head reads. */
  readonly headInIndex: number;
  readonly useBatchNormInFusionResidual: boolean;
  /** null in the file: the opposite of useBatchNormInFusionResidual. */
  readonly useBiasInFusionResidual: boolean;
  /** A 256 → 256 convolution + ReLU before the head (DPT-large style). */
  readonly addProjection: boolean;
  /** Neck inputs that are feature maps already (DPT-Hybrid's two BiT stages): not reassembled. */
  readonly neckIgnoreStages: readonly number[];
  /** Input channels and size: DPT's own, or the backbone's (BEiT) where the file leaves DPT's null. */
  readonly numChannels: number;
  readonly imageSize: number;

  constructor(json: unknown = {}, where = 'config.json') {
    super(json, DPTConfig.modelType, where);
    const r = this.reader;
    this.isHybrid = r.bool('is_hybrid', false);
    this.hiddenSize = r.positiveInt('hidden_size', 768);
    this.hiddenAct = r.string('hidden_act', 'gelu');
    this.readoutType = r.oneOf<DPTReadoutType>('readout_type', ['ignore', 'add', 'project'], 'project');
    this.reassembleFactors = numberList(r, 'reassemble_factors', [4, 2, 1, 0.5]);
    this.neckHiddenSizes = r.intList('neck_hidden_sizes', [96, 192, 384, 768]);
    this.fusionHiddenSize = r.positiveInt('fusion_hidden_size', 256);
    this.headInIndex = r.int('head_in_index', -1);
    this.useBatchNormInFusionResidual = r.bool('use_batch_norm_in_fusion_residual', false);
    const bias = r.json.use_bias_in_fusion_residual;
    this.useBiasInFusionResidual =
      bias === null || bias === undefined ? !this.useBatchNormInFusionResidual : r.bool('use_bias_in_fusion_residual', true);
    this.addProjection = r.bool('add_projection', false);

    const backbone = r.optionalObject('backbone_config');
    if (this.isHybrid) {
      if (backbone?.model_type !== undefined && backbone.model_type !== BitConfig.modelType) {
        throw new RetinaError(
          'INVALID_CONFIG',
          `${where}: "backbone_config" must be a BiT config (model_type "bit") when is_hybrid is true; got model_type ` +
            `${JSON.stringify(backbone.model_type)}. DPT-Hybrid checkpoints (e.g. Intel/dpt-hybrid-midas) have a BiT backbone.`,
        );
      }
      if (this.readoutType !== 'project') throw r.invalid('readout_type', '"project" when is_hybrid is true (DPT-Hybrid)');
      this.backboneConfig = new BitConfig(backbone ?? DEFAULT_HYBRID_BACKBONE, `${where} backbone_config`);
      this.backboneFeatmapShape = r.intList('backbone_featmap_shape', [1, 1024, 24, 24]);
      this.neckIgnoreStages = r.intList('neck_ignore_stages', [0, 1]);
    } else {
      this.backboneConfig = backbone === undefined ? undefined : autoBackbone(backbone, `${where} backbone_config`);
      this.backboneFeatmapShape = undefined;
      this.neckIgnoreStages = [];
    }
    if (this.backboneConfig instanceof BeitConfig) {
      this.vit = undefined;
      this.numChannels = this.backboneConfig.numChannels;
      this.imageSize = this.backboneConfig.imageSize;
    } else {
      this.vit = {
        numHiddenLayers: r.positiveInt('num_hidden_layers', 12),
        numAttentionHeads: r.positiveInt('num_attention_heads', 12),
        intermediateSize: r.positiveInt('intermediate_size', 3072),
        layerNormEps: r.number('layer_norm_eps', 1e-12),
        patchSize: r.positiveInt('patch_size', 16),
        qkvBias: r.bool('qkv_bias', true),
        backboneOutIndices: r.intList('backbone_out_indices', [2, 5, 8, 11]),
      };
      this.numChannels = r.positiveInt('num_channels', 3);
      this.imageSize = r.positiveInt('image_size', 384);
    }
  }
}

/** A non-hybrid backbone_config, parsed by its own model_type's class (Transformers' CONFIG_MAPPING). */
function autoBackbone(json: Readonly<Record<string, unknown>>, where: string): BeitConfig {
  if (json.model_type === BeitConfig.modelType) return new BeitConfig(json, where);
  throw new RetinaError(
    'INVALID_CONFIG',
    `${where}: model_type ${JSON.stringify(json.model_type)} is not supported for DPT; Retina runs DPT on BiT (is_hybrid) ` +
      'and BEiT backbones (e.g. Intel/dpt-hybrid-midas, Intel/dpt-beit-base-384).',
  );
}
