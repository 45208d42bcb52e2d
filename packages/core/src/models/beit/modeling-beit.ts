import type { InferenceSession } from '../../session/inference-session.js';
import { checkGraphDim } from '../graph-checks.js';
import type { MaskedImageModelingInput, MaskedImageModelingOutput } from '../modeling-outputs.js';
import { hiddenStatesOf, PreTrainedModel } from '../pretrained-model.js';
import { ImageClassificationModel, PooledModel, SemanticSegmentationModel } from '../task-models.js';
import { BeitConfig } from './configuration-beit.js';
import { buildBeitGraph } from './graph-beit.js';

/** The bare BEiT encoder: `lastHiddenState` [batch, 1 + patches, hidden_size], `poolerOutput` [batch, hidden_size]. */
export class BeitModel extends PooledModel<BeitConfig> {
  static readonly architecture = 'BeitModel';
  static readonly configClass = BeitConfig;
  static readonly buildGraph = buildBeitGraph;
}

/** BEiT with a linear classifier on the mean-pooled patches (or the [CLS] token). */
export class BeitForImageClassification extends ImageClassificationModel<BeitConfig> {
  static readonly architecture = 'BeitForImageClassification';
  static readonly configClass = BeitConfig;
  static readonly buildGraph = buildBeitGraph;
}

/** BEiT with the UperNet head: per-pixel class scores `logits` [batch, num_labels, h, w] at 4 / patch_size of the input. */
export class BeitForSemanticSegmentation extends SemanticSegmentationModel<BeitConfig> {
  static readonly architecture = 'BeitForSemanticSegmentation';
  static readonly configClass = BeitConfig;
  static readonly buildGraph = buildBeitGraph;
}

/** BEiT pre-training head: predicts the visual token of every patch, given which patches are masked. */
export class BeitForMaskedImageModeling extends PreTrainedModel<BeitConfig> {
  static readonly architecture = 'BeitForMaskedImageModeling';
  static readonly task = 'masked-image-modeling';
  static readonly configClass = BeitConfig;
  static readonly buildGraph = buildBeitGraph;

  constructor(config: BeitConfig, session: InferenceSession) {
    super(config, session);
    const patches = config.patchesPerSide ** 2;
    checkGraphDim(this.requireInput('bool_masked_pos'), 1, patches, `${patches} patches (image_size / patch_size squared)`);
    checkGraphDim(this.requireOutput('logits'), -1, config.vocabSize, `vocab_size ${config.vocabSize}`);
  }

  async forward({ pixelValues, boolMaskedPos }: MaskedImageModelingInput): Promise<MaskedImageModelingOutput> {
    const outputs = await this.runGraph({ pixel_values: pixelValues, bool_masked_pos: boolMaskedPos });
    return { logits: outputs.logits!, ...hiddenStatesOf(outputs) };
  }
}
