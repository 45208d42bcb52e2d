import { withAsyncDispose } from '../async-dispose.js';
import type { ImageInput } from '../image/image-input.js';
import type { ImageDecoderName } from '../image/decoded-file.js';
import { loadImageWithDecoder } from '../image/load-image.js';
import type { RawImage } from '../image/raw-image.js';
import type { ImageProcessor, ImageProcessorOptions } from '../processors/image-processor.js';
import type { PixelValuesInput } from '../models/modeling-outputs.js';
import type { PreTrainedModel } from '../models/pretrained-model.js';
import type { InferenceSession } from '../session/inference-session.js';
import { isGpuTensor } from '../session/gpu-outputs.js';
import { LapTimer, type PipelineTimings } from './pipeline-timings.js';

/** The call options every task pipeline takes. */
export interface PipelineCallOptions {
  /** Overrides of the image processor's settings for this call. */
  preprocess?: ImageProcessorOptions;
  /** Told how long each stage of this call took, once it succeeded; results stay as they are. */
  onTimings?: (timings: PipelineTimings) => void;
}

/** A model that runs on the processor's `pixel_values`. */
type PixelModel = PreTrainedModel & { forward(input: PixelValuesInput): Promise<unknown> };

/** One call's images, as its post-processing sees them. */
export interface PipelineBatch<Options> {
  /** `[height, width]` of every image as decoded. */
  originalSizes: Array<[number, number]>;
  options: Options;
}

/** What a task adds to the stages all pipelines share (decode, preprocess, inference). */
export interface TaskSteps<Model extends PixelModel, Options, Result, Output = Awaited<ReturnType<Model['forward']>>> {
  /** Rejects bad options before any image is decoded. */
  checkOptions?(options: Options): void;
  /** Runs the model; default `model.forward`. */
  infer?(input: PixelValuesInput): Promise<Output>;
  /** One result per image from the outputs of the whole batch. */
  postprocess(output: Output, batch: PipelineBatch<Options>): Result[] | Promise<Result[]>;
}

/**
 * A task pipeline is a function: one image gives one result, a list gives a list. It also exposes
 * the processor and model it runs, and `dispose()` (or leaving an `await using` block) frees the model's session.
 */
export interface TaskPipeline<Task extends string, Model, Options, Result> extends AsyncDisposable {
  (image: ImageInput, options?: Options): Promise<Result>;
  (images: readonly ImageInput[], options?: Options): Promise<Result[]>;
  readonly task: Task;
  readonly model: Model;
  readonly processor: ImageProcessor;
  /** Which runtime and device run the model, and why. */
  readonly backend: InferenceSession.Backend;
  /** Frees the model's session; disposing twice is harmless. */
  dispose(): Promise<void>;
  /** The same as `dispose()`, the name earlier releases documented. */
  close(): Promise<void>;
}

/** Builds a {@link TaskPipeline} that decodes, preprocesses, runs the model, then the task's `postprocess`, timing each stage. */
export function createTaskPipeline<
  Task extends string,
  Model extends PixelModel,
  Options extends PipelineCallOptions,
  Result,
  Output = Awaited<ReturnType<Model['forward']>>,
>(
  task: Task,
  model: Model,
  processor: ImageProcessor,
  steps: TaskSteps<Model, Options, Result, Output>,
): TaskPipeline<Task, Model, Options, Result> {
  const infer = steps.infer ?? ((input: PixelValuesInput) => model.forward(input) as Promise<Output>);
  const runBatch = async (images: readonly ImageInput[], options: Options): Promise<Result[]> => {
    steps.checkOptions?.(options);
    const timer = new LapTimer();
    const { decoded, decoders } = await decodeAll(images, processor, options.preprocess);
    const decode = timer.lap();
    const { pixelValues, originalSizes } = await processor.preprocess(decoded, options.preprocess);
    const preprocess = timer.lap();
    const output = await infer({ pixelValues });
    const inference = timer.lap();
    const postprocessDevice = Object.values(output as object).some(isGpuTensor) ? 'gpu' : 'cpu';
    const results = await steps.postprocess(output, { originalSizes, options });
    const postprocess = timer.lap();
    options.onTimings?.({ decode, decoders, preprocess, inference, postprocess, postprocessDevice, total: timer.total() });
    return results;
  };
  const call = async (images: ImageInput | readonly ImageInput[], options = {} as Options) => {
    if (Array.isArray(images)) return runBatch(images, options);
    const [result] = await runBatch([images as ImageInput], options);
    return result;
  };
  const dispose = () => model.dispose();
  const pipeline = Object.assign(call, { task, model, processor, backend: model.session.backend, dispose, close: dispose });
  return withAsyncDispose(pipeline, dispose) as TaskPipeline<Task, Model, Options, Result>;
}

/** The inputs as 8-bit pixels, decoded one after another the way the processor reads them. */
async function decodeAll(
  images: readonly ImageInput[],
  processor: ImageProcessor,
  options: ImageProcessorOptions | undefined,
): Promise<{ decoded: RawImage[]; decoders: ImageDecoderName[] }> {
  const load = { ...options?.load, keepOpaqueAlpha: options?.doConvertRgb ?? processor.settings.doConvertRgb };
  const decoded: RawImage[] = [];
  const decoders: ImageDecoderName[] = [];
  for (const input of images) {
    const { image, decoder } = await loadImageWithDecoder(input, load);
    decoded.push(image);
    decoders.push(decoder);
  }
  return { decoded, decoders };
}
