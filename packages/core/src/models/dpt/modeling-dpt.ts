import type { InferenceSession } from '../../session/inference-session.js';
import type { Tensor } from '../../tensor.js';
import { RetinaError } from '../../errors.js';
import type { PixelValuesInput } from '../modeling-outputs.js';
import { PreTrainedModel } from '../pretrained-model.js';
import { DPTConfig } from './configuration-dpt.js';
import { buildDPTGraph } from './graph-dpt.js';

/** DPTForDepthEstimation: relative inverse depth per pixel, before any resize to the image's size. */
export interface DepthEstimatorOutput {
  /** [batch, height, width] (no channel axis), at twice the finest fused map: DPT-Hybrid and patch size 16 give the input size. */
  readonly predictedDepth: Tensor<'float32'>;
}

/** DPTModel (DPT-Hybrid's encoder): the normalised tokens, and the pooled [CLS] token when the checkpoint has the pooler. */
export interface DPTModelOutput {
  /** [batch, 1 + patches, hidden_size]. */
  readonly lastHiddenState: Tensor<'float32'>;
  /** [batch, hidden_size]; absent for weights saved from DPTForDepthEstimation, which has no pooler. */
  readonly poolerOutput?: Tensor<'float32'>;
}

/** DPT with its depth head: the neck fuses four feature maps of the encoder (or backbone), the head predicts depth. */
export class DPTForDepthEstimation extends PreTrainedModel<DPTConfig> {
  static readonly architecture = 'DPTForDepthEstimation';
  static readonly task = 'depth-estimation';
  static readonly configClass = DPTConfig;
  static readonly buildGraph = buildDPTGraph;
  // The depth-estimation pipeline resizes the depth on the GPU.
  static readonly gpuOutputs = ['predicted_depth'];

  constructor(config: DPTConfig, session: InferenceSession) {
    super(config, session);
    const { dims } = this.requireOutput('predicted_depth');
    if (dims.length !== 3) {
      throw new RetinaError(
        'MODEL_LOAD_FAILED',
        `The graph's predicted_depth has ${dims.length} axes; DPTForDepthEstimation's is [batch, height, width]. Was it exported from another model?`,
      );
    }
  }

  async forward({ pixelValues }: PixelValuesInput): Promise<DepthEstimatorOutput> {
    const outputs = await this.runGraph({ pixel_values: pixelValues });
    return { predictedDepth: outputs.predicted_depth! };
  }
}

/** The bare DPT-Hybrid encoder (BiT stages, ViT layers, final layer norm). */
export class DPTModel extends PreTrainedModel<DPTConfig> {
  static readonly architecture = 'DPTModel';
  static readonly task = 'image-feature-extraction';
  static readonly configClass = DPTConfig;
  static readonly buildGraph = buildDPTGraph;

  constructor(config: DPTConfig, session: InferenceSession) {
    super(config, session);
    this.requireOutput('last_hidden_state');
  }

  async forward({ pixelValues }: PixelValuesInput): Promise<DPTModelOutput> {
    const outputs = await this.runGraph({ pixel_values: pixelValues });
    const { last_hidden_state: lastHiddenState, pooler_output: poolerOutput } = outputs;
    return poolerOutput ? { lastHiddenState: lastHiddenState!, poolerOutput } : { lastHiddenState: lastHiddenState! };
  }
}
