import { BeitImageProcessor } from '../beit/image-processing-beit.js';
import type { ModelFamily } from '../model-family.js';
import { Data2VecVisionConfig } from './configuration-data2vec-vision.js';
import {
  Data2VecVisionForImageClassification,
  Data2VecVisionForSemanticSegmentation,
  Data2VecVisionModel,
} from './modeling-data2vec-vision.js';

export const data2vecVisionFamily = {
  modelType: Data2VecVisionConfig.modelType,
  configClass: Data2VecVisionConfig,
  // The reference's data2vec-vision checkpoints ship BEiT's processor.
  processorName: 'BeitImageProcessor',
  processorClass: BeitImageProcessor,
  modelClasses: [Data2VecVisionModel, Data2VecVisionForImageClassification, Data2VecVisionForSemanticSegmentation],
} as const satisfies ModelFamily<Data2VecVisionConfig>;
