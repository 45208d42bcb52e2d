import { ImageClassificationModel, PooledModel } from '../task-models.js';
import { ViTHybridConfig } from './configuration-vit-hybrid.js';
import { buildViTHybridGraph } from './graph-vit-hybrid.js';

/** The bare ViT-Hybrid encoder: `lastHiddenState` [batch, 1 + patches, hidden_size], `poolerOutput` [batch, hidden_size]. */
export class ViTHybridModel extends PooledModel<ViTHybridConfig> {
  static readonly architecture = 'ViTHybridModel';
  static readonly configClass = ViTHybridConfig;
  static readonly buildGraph = buildViTHybridGraph;
}

/** ViT-Hybrid with a linear classifier on the [CLS] token. */
export class ViTHybridForImageClassification extends ImageClassificationModel<ViTHybridConfig> {
  static readonly architecture = 'ViTHybridForImageClassification';
  static readonly configClass = ViTHybridConfig;
  static readonly buildGraph = buildViTHybridGraph;
}
