import type { InferenceSession } from '../../session/inference-session.js';
import type { BackboneOutput, PixelValuesInput } from '../modeling-outputs.js';
import { hiddenStatesOf, indexedOutputs, PreTrainedModel } from '../pretrained-model.js';
import { ImageClassificationModel, PooledModel } from '../task-models.js';
import { BitConfig } from './configuration-bit.js';
import { buildBitGraph } from './graph-bit.js';

/** The bare BiT encoder: `lastHiddenState` [batch, C, h, w] and `poolerOutput` [batch, C, 1, 1]. BiT graphs take any image size. */
export class BitModel extends PooledModel<BitConfig> {
  static readonly architecture = 'BitModel';
  static readonly configClass = BitConfig;
  static readonly buildGraph = buildBitGraph;
}

/** BiT with a linear classifier on the pooled features. */
export class BitForImageClassification extends ImageClassificationModel<BitConfig> {
  static readonly architecture = 'BitForImageClassification';
  static readonly configClass = BitConfig;
  static readonly buildGraph = buildBitGraph;
}

/** BiT as a backbone: the feature maps of the stages in `config.outFeatures` (graph outputs `feature_maps.<i>`). */
export class BitBackbone extends PreTrainedModel<BitConfig> {
  static readonly architecture = 'BitBackbone';
  static readonly task = 'backbone';
  static readonly configClass = BitConfig;
  static readonly buildGraph = buildBitGraph;

  constructor(config: BitConfig, session: InferenceSession) {
    super(config, session);
    config.outFeatures.forEach((_, i) => this.requireOutput(`feature_maps.${i}`));
  }

  async forward({ pixelValues }: PixelValuesInput): Promise<BackboneOutput> {
    const outputs = await this.runGraph({ pixel_values: pixelValues });
    return { featureMaps: indexedOutputs(outputs, 'feature_maps'), ...hiddenStatesOf(outputs) };
  }
}
