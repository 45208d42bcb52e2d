import type { ImageInput, InferenceSession, PipelinesByTask, PipelineTask, PipelineTimings, Tensor } from '@retina/core';
import type { BackendReport } from '../protocol/backend-report.js';
import type { ModelKind, WorkerLoadOptions } from '../protocol/load-options.js';
import type { WireTensor } from '../protocol/wire-values.js';
import type { WorkerStats } from '../protocol/worker-api.js';
import type { WorkerFaultError } from './worker-fault.js';

// A core pipeline's last call signature takes a list: (images, options?) => Promise<Result[]>.
type TaskOptions<T extends PipelineTask> = NonNullable<Parameters<PipelinesByTask[T]>[1]>;

/** What one image gives in the core pipeline of `T`. */
export type PipelineResult<T extends PipelineTask> = Awaited<ReturnType<PipelinesByTask[T]>>[number];

/** The stage times the worker's pipeline measured, plus what the round trip to the worker added, in milliseconds. */
export interface RemotePipelineTimings extends PipelineTimings {
  /**
   * The page's wait beyond the worker's pipeline call: readying and posting the images, the messages
   * both ways, and any wait behind earlier calls on this pipeline.
   */
  transfer: number;
  /** The whole call as the page sees it: the worker's total plus `transfer`. */
  total: number;
}

/**
 * The core pipeline's options of `T`, plus a signal that cancels the call while it waits or runs;
 * `onTimings` is told the worker's stage times and the round trip's.
 */
export type PipelineCallOptions<T extends PipelineTask> = Omit<TaskOptions<T>, 'onTimings'> & {
  signal?: AbortSignal;
  onTimings?: (timings: RemotePipelineTimings) => void;
};

/** How long one model call took, in milliseconds. */
export interface RemoteModelTimings {
  /** The session's run in the worker. */
  inference: number;
  /** The page's wait beyond `inference`: posting the feeds, the messages both ways, any wait behind earlier calls. */
  transfer: number;
  /** The whole call as the page sees it. */
  total: number;
}

/** Options of one model call: a signal that cancels it while it waits or runs, and a timings callback. */
export interface ModelCallOptions {
  signal?: AbortSignal;
  onTimings?: (timings: RemoteModelTimings) => void;
}

/** Tensor fields; a core {@link Tensor} is one. Its buffer is transferred to the worker. */
export type TensorLike = WireTensor;

interface RemoteHandleInfo extends AsyncDisposable {
  /** The model source as given. */
  readonly model: string;
  /** The Transformers class the worker built, e.g. `BeitForSemanticSegmentation`. */
  readonly architecture: string;
  /** Where the session runs now (after a GPU loss, on WebAssembly unless it was loaded with device `webgpu`). */
  readonly backend: InferenceSession.Backend;
  /**
   * Where the (latest) load's time went in the worker: reading files, building the graph, starting the
   * runtime (in parallel with the files), creating the session.
   */
  readonly loadTimings: InferenceSession.LoadTimings | undefined;
  /** Frees the session in the worker; later calls reject. Leaving an `await using` block does the same. */
  dispose(): Promise<void>;
  /** The same as `dispose()`, the name earlier releases documented. */
  close(): Promise<void>;
}

/**
 * A core pipeline running in the worker: one image gives one result, a list a list. Calls on one
 * pipeline run one after another; other pipelines and models run independently.
 */
export interface RemotePipeline<T extends PipelineTask> extends RemoteHandleInfo {
  (image: ImageInput, options?: PipelineCallOptions<T>): Promise<PipelineResult<T>>;
  (images: readonly ImageInput[], options?: PipelineCallOptions<T>): Promise<PipelineResult<T>[]>;
  readonly task: T;
}

/** A model's ONNX graph in the worker, run on raw feeds by graph input name. */
export interface RemoteModel extends RemoteHandleInfo {
  readonly inputs: readonly InferenceSession.ValueMetadata[];
  readonly outputs: readonly InferenceSession.ValueMetadata[];
  run(feeds: Readonly<Record<string, TensorLike>>, options?: ModelCallOptions): Promise<Record<string, Tensor>>;
}

export interface RetinaWorkerOptions {
  /** Device of loads that name none. Default `auto`: WebGPU on a hardware adapter, else WebAssembly. */
  device?: InferenceSession.Device;
  /**
   * Folder URL (ending in `/`) serving onnxruntime-web's `ort-wasm-simd-threaded.asyncify.mjs` and `.wasm`.
   * Default: the copies built beside worker.js.
   */
  wasmPaths?: string;
  /** Told when the worker was terminated, crashed or lost its GPU device. */
  onFault?: (fault: WorkerFaultError) => void;
}

/** Retina in a module Web Worker, which owns the onnxruntime-web sessions. */
export interface RetinaWorker extends AsyncDisposable {
  /** Loads the processor and model of `model` (hub id, URL or path) for `task` in the worker. */
  pipeline<T extends PipelineTask>(task: T, model: string, options?: WorkerLoadOptions): Promise<RemotePipeline<T>>;
  /** Loads a model with an Auto class (by name), or the model class `task`'s pipeline uses. */
  loadModel(kind: ModelKind, model: string, options?: WorkerLoadOptions): Promise<RemoteModel>;
  /** What `auto` picks in the worker and which WebGPU adapter and WebAssembly features it has. */
  backend(): Promise<BackendReport>;
  /** Live GPU buffers of the worker, for leak checks. */
  stats(): Promise<WorkerStats>;
  /** Frees every session in the worker; the worker and its GPU device stay for later loads. */
  dispose(): Promise<void>;
  /** Ends the worker now: pending calls reject with WORKER_TERMINATED; the next call starts a new worker. */
  terminate(): void;
  /** `await using retina = createRetinaWorker()`: frees every session and ends the worker when the block ends. */
  [Symbol.asyncDispose](): Promise<void>;
}
