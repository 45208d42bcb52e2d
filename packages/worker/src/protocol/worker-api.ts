// The surface the worker exposes through comlink. Page and worker both import these types, so a
// change on one side that the other does not follow fails to compile.
import type { FileProgress, InferenceSession, PipelineTask, PipelineTimings } from '@retina/core';
import type { BackendReport } from './backend-report.js';
import type { ModelKind, WireLoadOptions } from './load-options.js';
import type { WireImage, WireTensors } from './wire-values.js';

/** What the page learns about a pipeline or model the worker loaded. */
export interface LoadedInfo {
  id: number;
  architecture: string;
  backend: InferenceSession.Backend;
  inputs: readonly InferenceSession.ValueMetadata[];
  outputs: readonly InferenceSession.ValueMetadata[];
  /** Where the load's time went in the worker. */
  loadTimings: InferenceSession.LoadTimings | undefined;
}

/** What one pipeline call gives the page: its results and how long the worker spent on each stage. */
export interface PipelineRun {
  output: unknown;
  timings: PipelineTimings;
}

/** What one model call gives the page: the outputs and how long the session's run took in the worker. */
export interface ModelRun {
  outputs: WireTensors;
  inference: number;
}

/** Events the worker raises on its own, outside any call. */
export interface WorkerEvents {
  /** Over comlink the worker gets a promise: awaiting it tells that the page has heard. */
  gpuDeviceLost(message: string): void | Promise<void>;
}

export interface WorkerSetup {
  /** Where onnxruntime-web's .mjs and .wasm files are served; undefined: beside worker.js. */
  wasmPaths: string | undefined;
  /** Set once the GPU device was lost: `auto` then picks WebAssembly. */
  gpuLost: string | undefined;
}

/**
 * Diagnostics for leak checks. The worker's JS heap is not among them: browsers expose no heap size
 * inside workers (Chromium's performance.memory is the window's only); read it through DevTools.
 */
export interface WorkerStats {
  /** GPU buffers created and not destroyed yet. */
  liveGpuBuffers: number;
}

export interface WorkerApi {
  init(setup: WorkerSetup, events: WorkerEvents): Promise<BackendReport>;
  backend(): Promise<BackendReport>;
  stats(): Promise<WorkerStats>;
  loadPipeline(
    task: PipelineTask,
    model: string,
    options: WireLoadOptions,
    abort: MessagePort | undefined,
    onProgress: ((progress: FileProgress) => void) | undefined,
  ): Promise<LoadedInfo>;
  runPipeline(id: number, images: WireImage[], single: boolean, options: object, abort: MessagePort | undefined): Promise<PipelineRun>;
  loadModel(
    kind: ModelKind,
    model: string,
    options: WireLoadOptions,
    abort: MessagePort | undefined,
    onProgress: ((progress: FileProgress) => void) | undefined,
  ): Promise<LoadedInfo>;
  runModel(id: number, feeds: WireTensors, abort: MessagePort | undefined): Promise<ModelRun>;
  close(id: number): Promise<void>;
  dispose(): Promise<void>;
}
