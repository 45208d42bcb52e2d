import { RetinaError } from '../../errors.js';
import type { HubOptions, ModelRepo, ReadFileOptions } from '../../hub/index.js';
import type { ImageProcessor } from '../../processors/image-processor.js';
import { BeitImageProcessor } from '../beit/image-processing-beit.js';
import { BitImageProcessor } from '../bit/image-processing-bit.js';
import { openRepo } from '../pretrained-model.js';
import { ViTHybridImageProcessor } from '../vit-hybrid/image-processing-vit-hybrid.js';

type ProcessorClass = new (config: Record<string, unknown>) => ImageProcessor;

const BY_CLASS_NAME: Record<string, ProcessorClass> = {
  BitImageProcessor,
  BeitImageProcessor,
  ViTHybridImageProcessor,
};

const BY_MODEL_TYPE: Record<string, ProcessorClass> = {
  bit: BitImageProcessor,
  beit: BeitImageProcessor,
  'vit-hybrid': ViTHybridImageProcessor,
};

/** Picks the image processor class a preprocessor_config.json (or the model's config.json) names. */
export class AutoImageProcessor {
  /**
   * Builds a processor from a preprocessor_config.json object. Its `image_processor_type` (or the
   * older `feature_extractor_type`) names the class; `modelType` (config.json's `model_type`) is
   * the fallback when it names none.
   */
  static fromConfig(config: Record<string, unknown>, modelType?: string): ImageProcessor {
    const named = processorClassName(config);
    const cls = named !== undefined ? BY_CLASS_NAME[named] : modelType !== undefined ? BY_MODEL_TYPE[modelType] : undefined;
    if (!cls) {
      const what = named !== undefined ? `image processor "${named}"` : modelType !== undefined ? `model_type "${modelType}"` : 'no image_processor_type';
      throw new RetinaError(
        'UNSUPPORTED_MODEL',
        `Cannot choose an image processor for ${what}. Supported: ${Object.keys(BY_CLASS_NAME).join(', ')} ` +
          `(model types ${Object.keys(BY_MODEL_TYPE).join(', ')}).`,
      );
    }
    return new cls(config);
  }

  /** Reads preprocessor_config.json (and config.json when the former names no class). */
  static async fromPretrained(source: string | ModelRepo, options: HubOptions & ReadFileOptions = {}): Promise<ImageProcessor> {
    const repo = openRepo(source, options);
    const config = await repo.json<Record<string, unknown>>('preprocessor_config.json', options);
    if (processorClassName(config) !== undefined) return AutoImageProcessor.fromConfig(config);
    const { model_type: modelType } = await repo.json<{ model_type?: string }>('config.json', options);
    return AutoImageProcessor.fromConfig(config, modelType);
  }
}

function processorClassName(config: Record<string, unknown>): string | undefined {
  const name = config.image_processor_type ?? config.feature_extractor_type;
  if (typeof name !== 'string') return undefined;
  return name.replace(/FeatureExtractor$/, 'ImageProcessor');
}
