import { ImageProcessor, type ImageProcessorSpec } from '../../processors/image-processor.js';
import { Resample } from '../../image/resample/index.js';

export const OPENAI_CLIP_MEAN = [0.48145466, 0.4578275, 0.40821073];
export const OPENAI_CLIP_STD = [0.26862954, 0.26130258, 0.27577711];

/** BitImageProcessor's defaults; ViT-Hybrid's processor uses the same numbers. */
export const BIT_PROCESSOR_DEFAULTS: Record<string, unknown> = {
  do_resize: true,
  size: { shortest_edge: 224 },
  resample: Resample.BICUBIC,
  do_center_crop: true,
  crop_size: { height: 224, width: 224 },
  do_rescale: true,
  rescale_factor: 1 / 255,
  do_normalize: true,
  image_mean: OPENAI_CLIP_MEAN,
  image_std: OPENAI_CLIP_STD,
  do_convert_rgb: true,
};

const SPEC: ImageProcessorSpec = {
  name: 'BitImageProcessor',
  defaults: BIT_PROCESSOR_DEFAULTS,
  sizeDefaultToSquare: false,
  exactResizeOnly: false,
};

/**
 * Transformers' BitImageProcessor: RGB conversion, shortest-edge resize, center crop, rescale,
 * normalise. Built from a preprocessor_config.json object; unknown keys are ignored.
 */
export class BitImageProcessor extends ImageProcessor {
  constructor(config: Record<string, unknown> = {}) {
    super(SPEC, config);
  }
}
