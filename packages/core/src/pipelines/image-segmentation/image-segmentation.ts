import type { VisionConfig } from '../../models/pretrained-model.js';
import type { SemanticSegmentationModel } from '../../models/task-models.js';
import type { ImageProcessor } from '../../processors/image-processor.js';
import { postProcessSemanticSegmentation, type LabelMap } from '../../processors/semantic-segmentation.js';
import { postProcessSemanticSegmentationOnGpu } from '../../processors/semantic-segmentation-gpu.js';
import { gpuOutputRunOf, isGpuTensor, type GpuTensor } from '../../session/gpu-outputs.js';
import type { Tensor } from '../../tensor.js';
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

export type ImageSegmentationPipeline = TaskPipeline<
  'image-segmentation',
  SemanticSegmentationModel<VisionConfig>,
  ImageSegmentationOptions,
  ImageSegmentationResult
>;

/**
 * On WebGPU the logits stay in GPU memory and are upsampled and reduced to label maps there; only
 * the label maps are read back.
 */
export function createImageSegmentationPipeline(
  model: SemanticSegmentationModel<VisionConfig>,
  processor: ImageProcessor,
): ImageSegmentationPipeline {
  return createTaskPipeline('image-segmentation', model, processor, {
    infer: async (input): Promise<{ logits: Tensor<'float32'> | GpuTensor }> => {
      const runOnGpu = gpuOutputRunOf(model.session);
      if (!runOnGpu) return model.forward(input);
      const { logits } = await runOnGpu({ pixel_values: input.pixelValues });
      return { logits: logits as Tensor<'float32'> | GpuTensor };
    },
    postprocess: async ({ logits }, { originalSizes }: PipelineBatch<ImageSegmentationOptions>) => {
      const labelMaps = isGpuTensor(logits)
        ? await postProcessSemanticSegmentationOnGpu(logits, originalSizes)
        : postProcessSemanticSegmentation(logits, originalSizes);
      return labelMaps.map((labelMap) => ({ labelMap, segments: segmentsOf(labelMap, model.config.id2label) }));
    },
  });
}

function segmentsOf({ width, height, data }: LabelMap, id2label: Readonly<Record<number, string>>): Segment[] {
  // One pass over the map for all classes: neighbouring pixels mostly share a class.
  const masks = new Map<number, Uint8Array>();
  let label = -1;
  let mask: Uint8Array | undefined;
  for (let i = 0; i < data.length; i++) {
    if (data[i] !== label) {
      label = data[i]!;
      mask = masks.get(label);
      if (!mask) masks.set(label, (mask = new Uint8Array(data.length)));
    }
    mask![i] = 255;
  }
  return [...masks.keys()]
    .sort((a, b) => a - b)
    .map((id) => ({ label: id2label[id] ?? `LABEL_${id}`, score: null, mask: { width, height, data: masks.get(id)! } }));
}
