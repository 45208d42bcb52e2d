import type { DemoTask } from './model-task.js';

/** A model the user can load, and where its files come from. */
export interface ModelChoice {
  origin: 'embedded' | 'hub' | 'folder';
  /** What the worker loads: a path on this site, or a Hugging Face id. */
  source: string;
  title: string;
}

/** The models shipped with the app (trained on synthetic shapes by tools/shapes), by task. */
export const EMBEDDED_MODELS: ReadonlyMap<DemoTask, ModelChoice> = new Map([
  ['image-classification', { origin: 'embedded', source: './models/shapes-bit-classifier', title: 'Shapes classifier (BiT)' }],
  ['image-segmentation', { origin: 'embedded', source: './models/shapes-beit-segmenter', title: 'Shapes segmenter (BEiT)' }],
  ['depth-estimation', { origin: 'embedded', source: './models/shapes-dpt-depth', title: 'Shapes depth (DPT-Hybrid)' }],
]);
