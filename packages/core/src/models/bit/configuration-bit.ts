import { readBackboneFeatures } from '../configuration-utils.js';
import { PretrainedConfig } from '../pretrained-config.js';

export type BitLayerType = 'preactivation' | 'bottleneck';
export type BitGlobalPadding = 'SAME' | 'VALID';

/**
 * Configuration of BiT models (`model_type` "bit"), with Transformers' BitConfig defaults
 * (google/bit-50). Also the backbone of ViT-Hybrid.
 */
export class BitConfig extends PretrainedConfig {
  static readonly modelType = 'bit';

  readonly numChannels: number;
  readonly embeddingSize: number;
  readonly hiddenSizes: readonly number[];
  readonly depths: readonly number[];
  readonly layerType: BitLayerType;
  readonly hiddenAct: string;
  /** TF-style padding of the convolutions, upper-cased as Transformers stores it; undefined for plain padding. */
  readonly globalPadding: BitGlobalPadding | undefined;
  readonly numGroups: number;
  readonly dropPathRate: number;
  readonly embeddingDynamicPadding: boolean;
  readonly outputStride: number;
  readonly widthFactor: number;
  /** "stem", "stage1", ... one per entry of `depths`. */
  readonly stageNames: readonly string[];
  /** Stages BitBackbone returns, in order; `featureMaps[i]` is `outFeatures[i]`. */
  readonly outFeatures: readonly string[];
  readonly outIndices: readonly number[];

  /** `where` names the object in messages, e.g. "config.json backbone_config" for a nested config. */
  constructor(json: unknown = {}, where = 'config.json') {
    super(json, BitConfig.modelType, where);
    const r = this.reader;
    this.numChannels = r.positiveInt('num_channels', 3);
    this.embeddingSize = r.positiveInt('embedding_size', 64);
    this.hiddenSizes = r.intList('hidden_sizes', [256, 512, 1024, 2048]);
    this.depths = r.intList('depths', [3, 4, 6, 3]);
    this.layerType = r.oneOf<BitLayerType>('layer_type', ['preactivation', 'bottleneck'], 'preactivation');
    this.hiddenAct = r.string('hidden_act', 'relu');
    const padding = r.optionalString('global_padding');
    this.globalPadding =
      padding === undefined ? undefined : r.oneOf<BitGlobalPadding>('global_padding', ['SAME', 'VALID'], 'SAME', (v) => v.toUpperCase());
    this.numGroups = r.positiveInt('num_groups', 32);
    this.dropPathRate = r.number('drop_path_rate', 0);
    this.embeddingDynamicPadding = r.bool('embedding_dynamic_padding', false);
    this.outputStride = r.positiveInt('output_stride', 32);
    this.widthFactor = r.positiveInt('width_factor', 1);
    const stageNames = ['stem', ...this.depths.map((_, i) => `stage${i + 1}`)];
    ({ stageNames: this.stageNames, outFeatures: this.outFeatures, outIndices: this.outIndices } = readBackboneFeatures(r, stageNames));
  }
}
