import { RetinaError } from '../../errors.js';
import { architecturesFor, type AutoModelType } from '../../models/auto/modeling-auto.js';
import { PooledModel } from '../../models/task-models.js';
import type { ImageProcessor } from '../../processors/image-processor.js';
import { Tensor } from '../../tensor.js';
import { createTaskPipeline, type PipelineBatch, type PipelineCallOptions, type TaskPipeline } from '../pipeline-base.js';

type FeatureModel = PooledModel<AutoModelType['config']>;

export interface ImageFeatureExtractionOptions extends PipelineCallOptions {
  /** Return the pooled output instead of the last hidden state (the reference's `pool`). Default false. */
  pool?: boolean;
}

/** Per image: its last hidden state (or pooled output), without the batch axis. */
export type ImageFeatureExtractionResult = Tensor<'float32'>;

export type ImageFeatureExtractionPipeline = TaskPipeline<
  'image-feature-extraction',
  FeatureModel,
  ImageFeatureExtractionOptions,
  ImageFeatureExtractionResult
>;

export function createImageFeatureExtractionPipeline(model: AutoModelType, processor: ImageProcessor): ImageFeatureExtractionPipeline {
  if (!(model instanceof PooledModel)) {
    throw new RetinaError(
      'UNSUPPORTED_MODEL',
      `Feature extraction needs a base model whose graph outputs last_hidden_state and pooler_output ` +
        `(${architecturesFor(PooledModel.task).join(', ')}); this one is a ${model.architecture}.`,
    );
  }
  return createTaskPipeline('image-feature-extraction', model, processor, {
    postprocess: ({ lastHiddenState, poolerOutput }, { originalSizes, options }: PipelineBatch<ImageFeatureExtractionOptions>) => {
      const features = options.pool ? poolerOutput : lastHiddenState;
      return originalSizes.map((_, i) => unbatch(features, i));
    },
  });
}

/** Item `index` of a batched tensor, without the batch axis (a copy, so results outlive the batch). */
function unbatch(tensor: Tensor<'float32'>, index: number): Tensor<'float32'> {
  const [, ...dims] = tensor.dims;
  const size = dims.reduce((a, b) => a * b, 1);
  return new Tensor('float32', tensor.data.slice(index * size, (index + 1) * size), dims);
}
