import { RetinaError } from '../errors.js';
import type { ModelRepo } from '../hub/index.js';
import { AutoImageProcessor } from '../models/auto/image-processing-auto.js';
import {
  AutoModel,
  AutoModelForDepthEstimation,
  AutoModelForImageClassification,
  AutoModelForSemanticSegmentation,
} from '../models/auto/modeling-auto.js';
import { openRepo, type FromPretrainedOptions } from '../models/pretrained-model.js';
import { createDepthEstimationPipeline, type DepthEstimationPipeline } from './depth-estimation/depth-estimation.js';
import { createImageClassificationPipeline, type ImageClassificationPipeline } from './image-classification/image-classification.js';
import {
  createImageFeatureExtractionPipeline,
  type ImageFeatureExtractionPipeline,
} from './image-feature-extraction/image-feature-extraction.js';
import { createImageSegmentationPipeline, type ImageSegmentationPipeline } from './image-segmentation/image-segmentation.js';

export interface PipelinesByTask {
  'image-classification': ImageClassificationPipeline;
  'image-segmentation': ImageSegmentationPipeline;
  'image-feature-extraction': ImageFeatureExtractionPipeline;
  'depth-estimation': DepthEstimationPipeline;
}

export type PipelineTask = keyof PipelinesByTask;

/** Where the model comes from, how it runs, and download progress. */
export type PipelineOptions = FromPretrainedOptions;

/** The auto class each task loads its model with; the worker reads the same table. */
export const PIPELINE_MODEL_CLASSES = {
  'image-classification': AutoModelForImageClassification,
  'image-segmentation': AutoModelForSemanticSegmentation,
  'image-feature-extraction': AutoModel,
  'depth-estimation': AutoModelForDepthEstimation,
} as const satisfies { [T in PipelineTask]: unknown };

const BUILDERS: { [T in PipelineTask]: (repo: ModelRepo, options: PipelineOptions) => Promise<PipelinesByTask[T]> } = {
  'image-classification': async (repo, options) => {
    const [processor, model] = await loadBoth(repo, options, PIPELINE_MODEL_CLASSES['image-classification'].fromPretrained);
    return createImageClassificationPipeline(model, processor);
  },
  'image-segmentation': async (repo, options) => {
    const [processor, model] = await loadBoth(repo, options, PIPELINE_MODEL_CLASSES['image-segmentation'].fromPretrained);
    return createImageSegmentationPipeline(model, processor);
  },
  'image-feature-extraction': async (repo, options) => {
    const [processor, model] = await loadBoth(repo, options, PIPELINE_MODEL_CLASSES['image-feature-extraction'].fromPretrained);
    try {
      return createImageFeatureExtractionPipeline(model, processor);
    } catch (error) {
      await model.dispose();
      throw error;
    }
  },
  'depth-estimation': async (repo, options) => {
    const [processor, model] = await loadBoth(repo, options, PIPELINE_MODEL_CLASSES['depth-estimation'].fromPretrained);
    return createDepthEstimationPipeline(model, processor);
  },
};

/**
 * Loads the image processor and model of `model` (hub id, URL or folder) for `task`:
 * `await pipeline('image-segmentation', 'microsoft/beit-base-finetuned-ade-640-640')`.
 */
export async function pipeline<T extends PipelineTask>(
  task: T,
  model: string | ModelRepo,
  options: PipelineOptions = {},
): Promise<PipelinesByTask[T]> {
  const build = Object.hasOwn(BUILDERS, task) ? BUILDERS[task] : undefined;
  if (!build) {
    throw new RetinaError('INVALID_ARGUMENT', `Unknown pipeline task "${String(task)}"; use one of ${Object.keys(BUILDERS).join(', ')}.`);
  }
  return build(openRepo(model, options), options);
}

async function loadBoth<M>(
  repo: ModelRepo,
  options: PipelineOptions,
  loadModel: (repo: ModelRepo, options: PipelineOptions) => Promise<M>,
): Promise<[Awaited<ReturnType<typeof AutoImageProcessor.fromPretrained>>, M]> {
  const processor = await AutoImageProcessor.fromPretrained(repo, options);
  return [processor, await loadModel(repo, options)];
}
