import { RetinaError } from '../../errors.js';
import type { ModelRepo, ReadFileOptions } from '../../hub/index.js';
import { isJsonObject } from '../../config/config-reader.js';
import { MODEL_FAMILIES } from '../model-families.js';
import { openRepo, type FromPretrainedOptions } from '../pretrained-model.js';

/** Any configuration AutoConfig can return. */
export type AutoConfigType = InstanceType<(typeof MODEL_FAMILIES)[number]['configClass']>;

const CONFIG_CLASSES: Readonly<Record<string, new (json: unknown) => AutoConfigType>> = Object.fromEntries(
  MODEL_FAMILIES.map((family) => [family.modelType, family.configClass]),
);

/** The `model_type` values Retina supports: "bit", "beit", "vit-hybrid", "dpt". */
export const SUPPORTED_MODEL_TYPES: readonly string[] = Object.keys(CONFIG_CLASSES);

/** Picks the configuration class from config.json's `model_type`. */
export class AutoConfig {
  private constructor() {}

  /** Parses a config.json object; an unknown model_type fails with UNSUPPORTED_MODEL. */
  static fromJson(json: unknown): AutoConfigType {
    const modelType = isJsonObject(json) ? json.model_type : undefined;
    if (typeof modelType !== 'string') {
      throw new RetinaError(
        'INVALID_CONFIG',
        `config.json: "model_type" must be a string (one of ${SUPPORTED_MODEL_TYPES.join(', ')}); got ${String(modelType)}.`,
      );
    }
    const configClass = Object.hasOwn(CONFIG_CLASSES, modelType) ? CONFIG_CLASSES[modelType] : undefined;
    if (!configClass) {
      throw new RetinaError(
        'UNSUPPORTED_MODEL',
        `model_type "${modelType}" in config.json is not supported; Retina supports ${SUPPORTED_MODEL_TYPES.join(', ')}.`,
      );
    }
    return new configClass(json);
  }

  /** Reads config.json from a folder, URL or hub id (or a {@link ModelRepo}). */
  static async fromPretrained(source: string | ModelRepo, options: FromPretrainedOptions = {}): Promise<AutoConfigType> {
    return readAutoConfig(openRepo(source, options), options);
  }
}

/** Reads and parses config.json of an open repo. */
export async function readAutoConfig(repo: ModelRepo, options: ReadFileOptions): Promise<AutoConfigType> {
  return AutoConfig.fromJson(await repo.json('config.json', options));
}
