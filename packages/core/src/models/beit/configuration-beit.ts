import { readBackboneFeatures } from '../configuration-utils.js';
import { PretrainedConfig } from '../pretrained-config.js';

/**
 * What BEiT's encoder and its classification and segmentation heads read, with Transformers' defaults: BeitConfig's
 * and Data2VecVisionConfig's common fields (the reference's data2vec-vision code is BEiT's).
 */
export abstract class BeitEncoderConfig extends PretrainedConfig {
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
  readonly useMaskToken: boolean;
  readonly useAbsolutePositionEmbeddings: boolean;
  readonly useRelativePositionBias: boolean;
  readonly useSharedRelativePositionBias: boolean;
  readonly layerScaleInitValue: number;
  readonly dropPathRate: number;
  readonly useMeanPooling: boolean;
  readonly poolScales: readonly number[];
  readonly useAuxiliaryHead: boolean;
  readonly auxiliaryLossWeight: number;
  readonly auxiliaryChannels: number;
  readonly auxiliaryNumConvs: number;
  readonly auxiliaryConcatInput: boolean;
  readonly semanticLossIgnoreIndex: number;
  /** Encoder layers that feed the segmentation head (or a backbone). */
  abstract readonly outIndices: readonly number[];

  protected constructor(json: unknown, modelType: string, where: string) {
    super(json, modelType, where);
    const r = this.reader;
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
    this.patchSize = r.positiveInt('patch_size', 16);
    this.numChannels = r.positiveInt('num_channels', 3);
    this.useMaskToken = r.bool('use_mask_token', false);
    this.useAbsolutePositionEmbeddings = r.bool('use_absolute_position_embeddings', false);
    this.useRelativePositionBias = r.bool('use_relative_position_bias', false);
    this.useSharedRelativePositionBias = r.bool('use_shared_relative_position_bias', false);
    this.layerScaleInitValue = r.number('layer_scale_init_value', 0.1);
    this.dropPathRate = r.number('drop_path_rate', 0.1);
    this.useMeanPooling = r.bool('use_mean_pooling', true);
    this.poolScales = r.intList('pool_scales', [1, 2, 3, 6]);
    this.useAuxiliaryHead = r.bool('use_auxiliary_head', true);
    this.auxiliaryLossWeight = r.number('auxiliary_loss_weight', 0.4);
    this.auxiliaryChannels = r.positiveInt('auxiliary_channels', 256);
    this.auxiliaryNumConvs = r.int('auxiliary_num_convs', 1);
    this.auxiliaryConcatInput = r.bool('auxiliary_concat_input', false);
    this.semanticLossIgnoreIndex = r.int('semantic_loss_ignore_index', 255);
  }

  /** Patches along one side of the image. */
  get patchesPerSide(): number {
    return Math.floor(this.imageSize / this.patchSize);
  }
}

/**
 * Configuration of BEiT models (`model_type` "beit"), with Transformers' BeitConfig defaults
 * (microsoft/beit-base-patch16-224-pt22k).
 */
export class BeitConfig extends BeitEncoderConfig {
  static readonly modelType = 'beit';

  readonly vocabSize: number;
  readonly addFpn: boolean;
  readonly reshapeHiddenStates: boolean;
  /** "stem", "stage1", ... one per encoder layer. */
  readonly stageNames: readonly string[];
  readonly outFeatures: readonly string[];
  readonly outIndices: readonly number[];

  constructor(json: unknown = {}, where = 'config.json') {
    super(json, BeitConfig.modelType, where);
    const r = this.reader;
    this.vocabSize = r.positiveInt('vocab_size', 8192);
    this.addFpn = r.bool('add_fpn', false);
    this.reshapeHiddenStates = r.bool('reshape_hidden_states', true);
    const stageNames = ['stem', ...Array.from({ length: this.numHiddenLayers }, (_, i) => `stage${i + 1}`)];
    // Older files name out_indices "segmentation_indices".
    const legacyIndices = r.optionalIntList('segmentation_indices');
    ({
      stageNames: this.stageNames,
      outFeatures: this.outFeatures,
      outIndices: this.outIndices,
    } = readBackboneFeatures(r, stageNames, legacyIndices ?? [3, 5, 7, 11]));
  }
}
