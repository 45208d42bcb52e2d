import type { ModelFamily } from '../model-family.js';
import { ViTHybridConfig } from './configuration-vit-hybrid.js';
import { ViTHybridImageProcessor } from './image-processing-vit-hybrid.js';
import { ViTHybridForImageClassification, ViTHybridModel } from './modeling-vit-hybrid.js';

export const vitHybridFamily = {
  modelType: ViTHybridConfig.modelType,
  configClass: ViTHybridConfig,
  processorName: 'ViTHybridImageProcessor',
  processorClass: ViTHybridImageProcessor,
  modelClasses: [ViTHybridModel, ViTHybridForImageClassification],
} as const satisfies ModelFamily<ViTHybridConfig>;
