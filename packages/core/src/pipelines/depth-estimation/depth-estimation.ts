import type { DPTForDepthEstimation } from '../../models/dpt/modeling-dpt.js';
import type { ImageProcessor } from '../../processors/image-processor.js';
import { postProcessDepthEstimation, type DepthEstimation } from '../../processors/depth-estimation.js';
import { postProcessDepthEstimationOnGpu } from '../../processors/depth-estimation-gpu.js';
import { gpuOutputRunOf, isGpuTensor, type GpuTensor } from '../../session/gpu-outputs.js';
import type { Tensor } from '../../tensor.js';
import { createTaskPipeline, type PipelineBatch, type PipelineCallOptions, type TaskPipeline } from '../pipeline-base.js';

export type DepthEstimationOptions = PipelineCallOptions;

/**
 * Like the reference pipeline's `{ predicted_depth, depth }`: the model's depth interpolated bicubically to the
 * image's size, and its 8-bit image (255 at the map's maximum; overshoot below 0 clamped to 0).
 */
export type DepthEstimationResult = DepthEstimation;

export type DepthEstimationPipeline = TaskPipeline<
  'depth-estimation',
  DPTForDepthEstimation,
  DepthEstimationOptions,
  DepthEstimationResult
>;

/** On WebGPU the depth stays in GPU memory and is resized there; only the maps at the images' sizes are read back. */
export function createDepthEstimationPipeline(model: DPTForDepthEstimation, processor: ImageProcessor): DepthEstimationPipeline {
  return createTaskPipeline('depth-estimation', model, processor, {
    infer: async (input): Promise<{ predictedDepth: Tensor<'float32'> | GpuTensor }> => {
      const runOnGpu = gpuOutputRunOf(model.session);
      if (!runOnGpu) return model.forward(input);
      const { predicted_depth: predictedDepth } = await runOnGpu({ pixel_values: input.pixelValues });
      return { predictedDepth: predictedDepth as Tensor<'float32'> | GpuTensor };
    },
    postprocess: ({ predictedDepth }, { originalSizes }: PipelineBatch<DepthEstimationOptions>) =>
      isGpuTensor(predictedDepth)
        ? postProcessDepthEstimationOnGpu(predictedDepth, originalSizes)
        : postProcessDepthEstimation(predictedDepth, originalSizes),
  });
}
