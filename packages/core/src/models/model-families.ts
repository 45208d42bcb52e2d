// The model families Retina supports: one entry each, read by auto/ and by loading from weights.
import { beitFamily } from './beit/family-beit.js';
import { bitFamily } from './bit/family-bit.js';
import { data2vecVisionFamily } from './data2vec-vision/family-data2vec-vision.js';
import { dptFamily } from './dpt/family-dpt.js';
import type { ModelFamily } from './model-family.js';
import { vitHybridFamily } from './vit-hybrid/family-vit-hybrid.js';

export const MODEL_FAMILIES = [
  bitFamily,
  beitFamily,
  vitHybridFamily,
  data2vecVisionFamily,
  dptFamily,
] as const satisfies readonly ModelFamily[];

/** The family of a config.json `model_type`, if Retina supports it. */
export function familyOf(modelType: string): ModelFamily | undefined {
  return MODEL_FAMILIES.find((family) => family.modelType === modelType);
}
