import type { Tensor } from '../tensor.js';

/** What every vision model takes: `pixel_values`, float32 [batch, channels, height, width], as the image processor makes it. */
export interface PixelValuesInput {
  readonly pixelValues: Tensor<'float32'>;
}

/** Input of BeitForMaskedImageModeling: which patches to mask, bool [batch, num_patches] (true = masked). */
export interface MaskedImageModelingInput extends PixelValuesInput {
  readonly boolMaskedPos: Tensor<'bool'>;
}

/** Present only when the graph exports `hidden_states.<i>` outputs: the embeddings, then every layer. */
interface WithHiddenStates {
  readonly hiddenStates?: readonly Tensor<'float32'>[];
}

/** BitModel, BeitModel, ViTHybridModel. */
export interface BaseModelOutputWithPooling extends WithHiddenStates {
  /** BiT [batch, channels, h, w]; BEiT and ViT-Hybrid [batch, tokens, hidden_size]. */
  readonly lastHiddenState: Tensor<'float32'>;
  /** BiT [batch, channels, 1, 1]; BEiT and ViT-Hybrid [batch, hidden_size]. */
  readonly poolerOutput: Tensor<'float32'>;
}

/** *ForImageClassification: one score per label, [batch, num_labels]. */
export interface ImageClassifierOutput extends WithHiddenStates {
  readonly logits: Tensor<'float32'>;
}

/** BitBackbone: `featureMaps[i]` is the stage `config.outFeatures[i]`, [batch, channels, h, w]. */
export interface BackboneOutput extends WithHiddenStates {
  readonly featureMaps: readonly Tensor<'float32'>[];
}

/** BeitForSemanticSegmentation: [batch, num_labels, h, w] with h = w = image_size / patch_size * 4, before upsampling. */
export interface SemanticSegmenterOutput extends WithHiddenStates {
  readonly logits: Tensor<'float32'>;
}

/** BeitForMaskedImageModeling: visual-token scores per patch, [batch, num_patches, vocab_size]. */
export interface MaskedImageModelingOutput extends WithHiddenStates {
  readonly logits: Tensor<'float32'>;
}
