import {
  openModelRepo,
  type Classification,
  type DepthEstimationResult,
  type FileProgress,
  type ImageInput,
  type ImageSegmentationResult,
  type InferenceSession,
} from '@retina/core';
import {
  createRetinaWorker,
  type RemotePipeline,
  type RemotePipelineTimings,
  type RetinaWorker,
  type WorkerFaultError,
} from '@retina/worker';
import { DemoError } from './explain-error.js';
import type { ModelChoice } from './model-choice.js';
import { taskOfConfig, type DemoTask } from './model-task.js';

export type Device = Exclude<InferenceSession.Device, 'cpu'>;

export type Dtype = InferenceSession.ModelDtype;

interface Loaded<T extends DemoTask> {
  task: T;
  choice: ModelChoice;
  architecture: string;
  pipeline: RemotePipeline<T>;
}

export type LoadedModel = Loaded<'image-classification'> | Loaded<'image-segmentation'> | Loaded<'depth-estimation'>;

export type RunResult =
  | { task: 'image-classification'; top: Classification[] }
  | { task: 'image-segmentation'; segmentation: ImageSegmentationResult }
  | { task: 'depth-estimation'; depth: DepthEstimationResult };

/** A run's result and how long the worker's stages and the round trip took. */
export interface TimedRun {
  result: RunResult;
  timings: RemotePipelineTimings;
}

const TOP_K = 5;

/** The Retina worker and the one pipeline the demo has loaded. */
export class ModelRunner {
  readonly retina: RetinaWorker;
  #loaded: LoadedModel | undefined;

  constructor(onFault: (fault: WorkerFaultError) => void) {
    this.retina = createRetinaWorker({ onFault });
  }

  get loaded(): LoadedModel | undefined {
    return this.#loaded;
  }

  /** Loads `choice` for the task its head does; the previous model stays until the new one is ready. */
  async load(
    choice: ModelChoice,
    { device, dtype }: { device: Device; dtype: Dtype },
    onProgress: (progress: FileProgress) => void,
    signal: AbortSignal,
  ): Promise<LoadedModel> {
    const config = await openModelRepo(choice.source).json('config.json', { signal });
    const head = taskOfConfig(config);
    if (!head) {
      throw new DemoError(
        `${choice.title} has no image-classification, semantic-segmentation or depth-estimation head.`,
        'Pick a model whose config.json lists a …ForImageClassification, …ForSemanticSegmentation or …ForDepthEstimation architecture.',
      );
    }
    const options = { device, dtype, onProgress, signal };
    const loadFor = async <T extends DemoTask>(task: T): Promise<Loaded<T>> => ({
      task,
      choice,
      architecture: head.architecture,
      pipeline: await this.retina.pipeline(task, choice.source, options),
    });
    const loaded = (await loadFor(head.task)) as LoadedModel;
    if (signal.aborted) {
      // Another load replaced this one while its last step ran.
      await loaded.pipeline.close();
      signal.throwIfAborted();
    }
    const previous = this.#loaded;
    this.#loaded = loaded;
    await previous?.pipeline.close().catch(() => undefined);
    return loaded;
  }

  /** Runs the loaded model on one image; ImageBitmaps and VideoFrames are transferred (closed here). */
  async run(image: ImageInput): Promise<TimedRun> {
    const loaded = this.#loaded;
    if (!loaded) throw new DemoError('No model is loaded yet.', 'Wait for the model to finish loading, or pick another model.');
    let timings!: RemotePipelineTimings;
    const onTimings = (reported: RemotePipelineTimings) => (timings = reported);
    let result: RunResult;
    if (loaded.task === 'image-classification')
      result = { task: loaded.task, top: await loaded.pipeline(image, { topK: TOP_K, onTimings }) };
    else if (loaded.task === 'image-segmentation')
      result = { task: loaded.task, segmentation: await loaded.pipeline(image, { onTimings }) };
    else result = { task: loaded.task, depth: await loaded.pipeline(image, { onTimings }) };
    return { result, timings };
  }
}
