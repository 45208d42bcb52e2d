// Heads that the families share; each family's classes only bind a config class, a name and a graph builder.
import type { InferenceSession } from '../session/inference-session.js';
import { checkGraphDim } from './graph-checks.js';
import type { BaseModelOutputWithPooling, ImageClassifierOutput, PixelValuesInput, SemanticSegmenterOutput } from './modeling-outputs.js';
import type { PretrainedConfig } from './pretrained-config.js';
import { hiddenStatesOf, PreTrainedModel, type VisionConfig } from './pretrained-model.js';

/** How config.json sets the number of labels, for messages. */
export function describeNumLabels(config: PretrainedConfig): string {
  return config.json.id2label ? `${config.numLabels} labels in id2label` : `num_labels ${config.numLabels}`;
}

/** The bare encoder: graph outputs `last_hidden_state` and `pooler_output`. */
export abstract class PooledModel<C extends VisionConfig> extends PreTrainedModel<C> {
  static readonly task = 'image-feature-extraction';

  constructor(config: C, session: InferenceSession) {
    super(config, session);
    this.requireOutput('last_hidden_state');
    this.requireOutput('pooler_output');
  }

  async forward({ pixelValues }: PixelValuesInput): Promise<BaseModelOutputWithPooling> {
    const outputs = await this.runGraph({ pixel_values: pixelValues });
    return { lastHiddenState: outputs.last_hidden_state!, poolerOutput: outputs.pooler_output!, ...hiddenStatesOf(outputs) };
  }
}

/** Encoder plus a linear classifier: graph output `logits` [batch, num_labels]; `config.id2label` names the classes. */
export abstract class ImageClassificationModel<C extends VisionConfig> extends PreTrainedModel<C> {
  static readonly task = 'image-classification';

  constructor(config: C, session: InferenceSession) {
    super(config, session);
    checkGraphDim(this.requireOutput('logits'), -1, config.numLabels, describeNumLabels(config));
  }

  async forward({ pixelValues }: PixelValuesInput): Promise<ImageClassifierOutput> {
    const outputs = await this.runGraph({ pixel_values: pixelValues });
    return { logits: outputs.logits!, ...hiddenStatesOf(outputs) };
  }
}

/** Encoder plus a segmentation head: graph output `logits` [batch, num_labels, h, w], class scores per pixel of a smaller grid. */
export abstract class SemanticSegmentationModel<C extends VisionConfig> extends PreTrainedModel<C> {
  static readonly task = 'image-segmentation';
  // The segmentation pipeline upsamples and takes the argmax of the logits on the GPU.
  static readonly gpuOutputs = ['logits'];

  constructor(config: C, session: InferenceSession) {
    super(config, session);
    checkGraphDim(this.requireOutput('logits'), 1, config.numLabels, describeNumLabels(config));
  }

  async forward({ pixelValues }: PixelValuesInput): Promise<SemanticSegmenterOutput> {
    const outputs = await this.runGraph({ pixel_values: pixelValues });
    return { logits: outputs.logits!, ...hiddenStatesOf(outputs) };
  }
}
