import type { BeitForSemanticSegmentation } from '../../models/beit/modeling-beit.js';
import type { ImageProcessor } from '../../processors/image-processor.js';
import { postProcessSemanticSegmentation, type LabelMap } from '../../processors/semantic-segmentation.js';
import { createTaskPipeline, type PipelineBatch, type PipelineCallOptions, type TaskPipeline } from '../pipeline-base.js';

export type ImageSegmentationOptions = PipelineCallOptions;

/** One class present in the image: a 0/255 mask at the image's size, like the reference pipeline's. */
export interface Segment {
  label: string;
  /** Semantic segmentation has no per-segment score (the reference returns None). */
  score: null;
  mask: { width: number; height: number; data: Uint8Array };
}

export interface ImageSegmentationResult {
  /** The class id of every pixel, at the input image's size. */
  labelMap: LabelMap;
  /** One entry per class present, in increasing class id. */
  segments: Segment[];
}

export type ImageSegmentationPipeline = TaskPipeline<'image-segmentation', BeitForSemanticSegmentation, ImageSegmentationOptions, ImageSegmentationResult>;

export function createImageSegmentationPipeline(model: BeitForSemanticSegmentation, processor: ImageProcessor): ImageSegmentationPipeline {
  return createTaskPipeline('image-segmentation', model, processor, {
    postprocess: ({ logits }, { originalSizes }: PipelineBatch<ImageSegmentationOptions>) =>
      postProcessSemanticSegmentation(logits, originalSizes).map((labelMap) => ({
        labelMap,
        segments: segmentsOf(labelMap, model.config.id2label),
      })),
  });
}

function segmentsOf(labelMap: LabelMap, id2label: Readonly<Record<number, string>>): Segment[] {
  const present = [...new Set(labelMap.data)].sort((a, b) => a - b);
  return present.map((id) => {
    const data = new Uint8Array(labelMap.data.length);
    labelMap.data.forEach((label, i) => {
      if (label === id) data[i] = 255;
    });
    return { label: id2label[id] ?? `LABEL_${id}`, score: null, mask: { width: labelMap.width, height: labelMap.height, data } };
  });
}
