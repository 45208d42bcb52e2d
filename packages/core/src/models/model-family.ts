import type { ImageProcessor } from '../processors/image-processor.js';
import type { PretrainedConfig } from './pretrained-config.js';
import type { ModelClass } from './pretrained-model.js';

// Each family has its own config class; `any` only erases which one, as in auto/modeling-auto.ts.
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- no single config type fits every family
type AnyModelClass = ModelClass<any, any>;

/**
 * Everything Retina knows about one model family, in one entry (models/<family>/family-<family>.ts):
 * auto/ picks configs, processors and model classes from these entries. Each model class carries the
 * family's graph builder as `static buildGraph` (see ModelClass); a family without one runs from ONNX files only.
 */
export interface ModelFamily<C extends PretrainedConfig = PretrainedConfig> {
  /** config.json's `model_type`. */
  readonly modelType: string;
  readonly configClass: new (json: unknown) => C;
  /** The Transformers class name preprocessor_config.json gives in `image_processor_type`. */
  readonly processorName: string;
  readonly processorClass: new (config: Record<string, unknown>) => ImageProcessor;
  /** Every head; the first is the bare model, built when config.json's `architectures` names none. */
  readonly modelClasses: readonly AnyModelClass[];
}
