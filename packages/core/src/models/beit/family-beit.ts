import type { ModelFamily } from '../model-family.js';
import { BeitConfig } from './configuration-beit.js';
import { BeitImageProcessor } from './image-processing-beit.js';
import { BeitForImageClassification, BeitForMaskedImageModeling, BeitForSemanticSegmentation, BeitModel } from './modeling-beit.js';

export const beitFamily = {
  modelType: BeitConfig.modelType,
  configClass: BeitConfig,
  processorName: 'BeitImageProcessor',
  processorClass: BeitImageProcessor,
  modelClasses: [BeitModel, BeitForImageClassification, BeitForSemanticSegmentation, BeitForMaskedImageModeling],
} as const satisfies ModelFamily<BeitConfig>;
