import type { ModelFamily } from '../model-family.js';
import { DPTConfig } from './configuration-dpt.js';
import { DPTImageProcessor } from './image-processing-dpt.js';
import { DPTForDepthEstimation, DPTModel } from './modeling-dpt.js';

/** DPT (depth estimation) on a BiT (DPT-Hybrid) or BEiT backbone. */
export const dptFamily = {
  modelType: DPTConfig.modelType,
  configClass: DPTConfig,
  processorName: 'DPTImageProcessor',
  processorClass: DPTImageProcessor,
  modelClasses: [DPTModel, DPTForDepthEstimation],
} as const satisfies ModelFamily<DPTConfig>;
