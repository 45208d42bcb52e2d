import { RetinaError } from '../../errors.js';
import type { HubOptions, ModelRepo, ReadFileOptions } from '../../hub/index.js';
import type { ImageProcessor } from '../../processors/image-processor.js';
import { MODEL_FAMILIES } from '../model-families.js';
import { openRepo } from '../pretrained-model.js';

type ProcessorClass = new (config: Record<string, unknown>) => ImageProcessor;

const BY_CLASS_NAME: Readonly<Record<string, ProcessorClass>> = Object.fromEntries(
  MODEL_FAMILIES.map((family) => [family.processorName, family.processorClass]),
);

const BY_MODEL_TYPE: Readonly<Record<string, ProcessorClass>> = Object.fromEntries(
  MODEL_FAMILIES.map((family) => [family.modelType, family.processorClass]),
);

/** Picks the image processor class a preprocessor_config.json (or the model's config.json) names. */
export class AutoImageProcessor {
  /**
   * Builds a processor from a preprocessor_config.json object. Its `image_processor_type` (or the
   * older `feature_extractor_type`) names the class; `modelType` (config.json's `model_type`) is
   * the fallback when it names none.
   */
  static fromConfig(config: Record<string, unknown>, modelType?: string): ImageProcessor {
    const named = processorClassName(config);
    const cls =
      named !== undefined ? ownEntry(BY_CLASS_NAME, named) : modelType !== undefined ? ownEntry(BY_MODEL_TYPE, modelType) : undefined;
    if (!cls) {
      const what =
        named !== undefined
          ? `image processor "${named}"`
          : modelType !== undefined
            ? `model_type "${modelType}"`
            : 'no image_processor_type';
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

function ownEntry<T>(map: Readonly<Record<string, T>>, key: string): T | undefined {
  return Object.hasOwn(map, key) ? map[key] : undefined;
}

function processorClassName(config: Record<string, unknown>): string | undefined {
  const name = config.image_processor_type ?? config.feature_extractor_type;
  if (typeof name !== 'string') return undefined;
  return name.replace(/FeatureExtractor$/, 'ImageProcessor');
}
