import type { ImageInput } from '../image/image-input.js';
import type { ImageProcessor } from '../processors/image-processor.js';
import type { PreTrainedModel } from '../models/pretrained-model.js';
import type { InferenceSession } from '../session/inference-session.js';

/**
 * A task pipeline is a function: one image gives one result, a list gives a list. It also exposes
 * the processor and model it runs, and `close()` frees the model's session.
 */
export interface TaskPipeline<Task extends string, Model, Options, Result> {
  (image: ImageInput, options?: Options): Promise<Result>;
  (images: readonly ImageInput[], options?: Options): Promise<Result[]>;
  readonly task: Task;
  readonly model: Model;
  readonly processor: ImageProcessor;
  /** Which runtime and device run the model, and why. */
  readonly backend: InferenceSession.Backend;
  close(): Promise<void>;
}

/** Wraps a batch function into a {@link TaskPipeline}. */
export function createTaskPipeline<Task extends string, Model extends PreTrainedModel, Options, Result>(
  task: Task,
  model: Model,
  processor: ImageProcessor,
  runBatch: (images: readonly ImageInput[], options: Options) => Promise<Result[]>,
): TaskPipeline<Task, Model, Options, Result> {
  const call = async (images: ImageInput | readonly ImageInput[], options = {} as Options) => {
    if (Array.isArray(images)) return runBatch(images, options);
    const [result] = await runBatch([images as ImageInput], options);
    return result;
  };
  return Object.assign(call, {
    task,
    model,
    processor,
    backend: model.session.backend,
    close: () => model.dispose(),
  }) as TaskPipeline<Task, Model, Options, Result>;
}
