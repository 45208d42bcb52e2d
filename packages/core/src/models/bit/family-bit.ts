import type { ModelFamily } from '../model-family.js';
import { BitConfig } from './configuration-bit.js';
import { BitImageProcessor } from './image-processing-bit.js';
import { BitBackbone, BitForImageClassification, BitModel } from './modeling-bit.js';

export const bitFamily = {
  modelType: BitConfig.modelType,
  configClass: BitConfig,
  processorName: 'BitImageProcessor',
  processorClass: BitImageProcessor,
  modelClasses: [BitModel, BitForImageClassification, BitBackbone],
} as const satisfies ModelFamily<BitConfig>;
