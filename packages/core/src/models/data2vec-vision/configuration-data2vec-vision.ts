import { BeitEncoderConfig } from '../beit/configuration-beit.js';

/**
 * Configuration of data2vec-vision models (`model_type` "data2vec-vision"), with Transformers' Data2VecVisionConfig
 * defaults (facebook/data2vec-vision-base): BEiT's fields without the visual-token vocabulary and the backbone
 * options; `out_indices` is a plain list, checked only by the segmentation head that reads it.
 */
export class Data2VecVisionConfig extends BeitEncoderConfig {
  static readonly modelType = 'data2vec-vision';

  readonly outIndices: readonly number[];

  constructor(json: unknown = {}, where = 'config.json') {
    super(json, Data2VecVisionConfig.modelType, where);
    this.outIndices = this.reader.intList('out_indices', [3, 5, 7, 11]);
  }
}
