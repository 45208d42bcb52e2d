import { ImageProcessor } from '../../processors/image-processor.js';
import { BIT_PROCESSOR_DEFAULTS } from '../bit/image-processing-bit.js';

/**
 * Transformers' ViTHybridImageProcessor. Its documentation lists ImageNet-standard mean/std as the
 * default, but the reference code (and the fixtures) use the CLIP values of BitImageProcessor.
 */
export class ViTHybridImageProcessor extends ImageProcessor {
  constructor(config: Record<string, unknown> = {}) {
    super(
      { name: 'ViTHybridImageProcessor', defaults: BIT_PROCESSOR_DEFAULTS, sizeDefaultToSquare: false, exactResizeOnly: false },
      config,
    );
  }
}
