// data2vec-vision's classes: the reference's code is BEiT's, with the base model named "data2vec_vision".
import { beitGraphBuilder } from '../beit/graph-beit.js';
import { ImageClassificationModel, PooledModel, SemanticSegmentationModel } from '../task-models.js';
import { Data2VecVisionConfig } from './configuration-data2vec-vision.js';

const buildGraph = beitGraphBuilder('data2vec_vision');

/** The bare data2vec-vision encoder: `lastHiddenState` [batch, 1 + patches, hidden_size], `poolerOutput` [batch, hidden_size]. */
export class Data2VecVisionModel extends PooledModel<Data2VecVisionConfig> {
  static readonly architecture = 'Data2VecVisionModel';
  static readonly configClass = Data2VecVisionConfig;
  static readonly buildGraph = buildGraph;
}

/** data2vec-vision with a linear classifier on the mean-pooled patches (or the [CLS] token). */
export class Data2VecVisionForImageClassification extends ImageClassificationModel<Data2VecVisionConfig> {
  static readonly architecture = 'Data2VecVisionForImageClassification';
  static readonly configClass = Data2VecVisionConfig;
  static readonly buildGraph = buildGraph;
}

/** data2vec-vision with BEiT's UperNet head: `logits` [batch, num_labels, h, w] at 4 / patch_size of the input. */
export class Data2VecVisionForSemanticSegmentation extends SemanticSegmentationModel<Data2VecVisionConfig> {
  static readonly architecture = 'Data2VecVisionForSemanticSegmentation';
  static readonly configClass = Data2VecVisionConfig;
  static readonly buildGraph = buildGraph;
}
