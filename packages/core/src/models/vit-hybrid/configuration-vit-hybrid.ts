import { BitConfig } from '../bit/configuration-bit.js';
import { PretrainedConfig } from '../pretrained-config.js';

/** Transformers' backbone when config.json has no backbone_config: BiT-R50 style, first three stages. */
const DEFAULT_BACKBONE = {
  global_padding: 'same',
  layer_type: 'bottleneck',
  depths: [3, 4, 9],
  out_features: ['stage3'],
  embedding_dynamic_padding: true,
};

/**
 * Configuration of ViT-Hybrid models (`model_type` "vit-hybrid", with a hyphen), with Transformers'
 * ViTHybridConfig defaults (google/vit-hybrid-base-bit-384). The BiT backbone is parsed with {@link BitConfig}.
 */
export class ViTHybridConfig extends PretrainedConfig {
  static readonly modelType = 'vit-hybrid';

  readonly backboneConfig: BitConfig;
  readonly hiddenSize: number;
  readonly numHiddenLayers: number;
  readonly numAttentionHeads: number;
  readonly intermediateSize: number;
  readonly hiddenAct: string;
  readonly hiddenDropoutProb: number;
  readonly attentionProbsDropoutProb: number;
  readonly initializerRange: number;
  readonly layerNormEps: number;
  /** Input height and width; the exported graph is fixed to it. */
  readonly imageSize: number;
  readonly patchSize: number;
  readonly numChannels: number;
  /** [1, channels, height, width] of the backbone's feature map. */
  readonly backboneFeatmapShape: readonly number[];
  readonly qkvBias: boolean;

  constructor(json: unknown = {}, where = 'config.json') {
    super(json, ViTHybridConfig.modelType, where);
    const r = this.reader;
    this.backboneConfig = new BitConfig(r.optionalObject('backbone_config') ?? DEFAULT_BACKBONE, `${where} backbone_config`);
    this.hiddenSize = r.positiveInt('hidden_size', 768);
    this.numHiddenLayers = r.positiveInt('num_hidden_layers', 12);
    this.numAttentionHeads = r.positiveInt('num_attention_heads', 12);
    this.intermediateSize = r.positiveInt('intermediate_size', 3072);
    this.hiddenAct = r.string('hidden_act', 'gelu');
    this.hiddenDropoutProb = r.number('hidden_dropout_prob', 0);
    this.attentionProbsDropoutProb = r.number('attention_probs_dropout_prob', 0);
    this.initializerRange = r.number('initializer_range', 0.02);
    this.layerNormEps = r.number('layer_norm_eps', 1e-12);
    this.imageSize = r.positiveInt('image_size', 224);
    this.patchSize = r.positiveInt('patch_size', 1);
    this.numChannels = r.positiveInt('num_channels', 3);
    this.backboneFeatmapShape = r.intList('backbone_featmap_shape', [1, 1024, 24, 24]);
    this.qkvBias = r.bool('qkv_bias', true);
  }
}
