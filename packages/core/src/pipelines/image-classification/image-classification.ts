import { RetinaError } from '../../errors.js';
import type { AutoModelForImageClassification } from '../../models/auto/modeling-auto.js';
import type { ImageProcessor } from '../../processors/image-processor.js';
import { createTaskPipeline, type PipelineCallOptions, type TaskPipeline } from '../pipeline-base.js';

type ClassificationModel = Awaited<ReturnType<typeof AutoModelForImageClassification.fromPretrained>>;

const DEFAULT_TOP_K = 5;

export interface ImageClassificationOptions extends PipelineCallOptions {
  /** How many of the best labels to return. Default 5, capped at the number of labels. */
  topK?: number;
}

export interface Classification {
  label: string;
  score: number;
}

/** Per image: the best labels, highest score first. */
export type ImageClassificationResult = Classification[];

export type ImageClassificationPipeline = TaskPipeline<
  'image-classification',
  ClassificationModel,
  ImageClassificationOptions,
  ImageClassificationResult
>;

export function createImageClassificationPipeline(model: ClassificationModel, processor: ImageProcessor): ImageClassificationPipeline {
  const { config } = model;
  // As the reference pipeline: sigmoid for multi-label or single-logit models, else softmax.
  const multiLabel = config.json.problem_type === 'multi_label_classification' || config.numLabels === 1;
  return createTaskPipeline('image-classification', model, processor, {
    checkOptions: ({ topK = DEFAULT_TOP_K }: ImageClassificationOptions) => {
      if (!Number.isInteger(topK) || topK < 1) {
        throw new RetinaError('INVALID_ARGUMENT', `topK must be a positive integer, got ${topK}.`);
      }
    },
    postprocess: ({ logits }, { originalSizes, options: { topK = DEFAULT_TOP_K } }) => {
      const numLabels = logits.dims[1]!;
      return originalSizes.map((_, i) => {
        const row = logits.data.subarray(i * numLabels, (i + 1) * numLabels);
        const scores = multiLabel ? Array.from(row, sigmoid) : softmax(row);
        return scores
          .map((score, id) => ({ label: config.id2label[id] ?? `LABEL_${id}`, score }))
          .sort((a, b) => b.score - a.score)
          .slice(0, Math.min(topK, numLabels));
      });
    },
  });
}

function sigmoid(x: number): number {
  return 1 / (1 + Math.exp(-x));
}

function softmax(logits: Float32Array): number[] {
  const max = logits.reduce((a, b) => Math.max(a, b), -Infinity);
  const exps = Array.from(logits, (x) => Math.exp(x - max));
  const sum = exps.reduce((a, b) => a + b, 0);
  return exps.map((e) => e / sum);
}
