import { releaseProxy, type Remote } from 'comlink';
import {
  AUTO_MODEL_CLASSES,
  pipeline,
  PIPELINE_MODEL_CLASSES,
  RetinaError,
  Tensor,
  type FileProgress,
  type PipelineOptions,
  type PipelineTask,
  type PipelineTimings,
  type PreTrainedModel,
} from '@retina/core';
import type { BackendReport } from '../protocol/backend-report.js';
import type { ModelKind, WireLoadOptions } from '../protocol/load-options.js';
import type { WireImage, WireTensors } from '../protocol/wire-values.js';
import type { LoadedInfo, ModelRun, PipelineRun, WorkerApi, WorkerEvents, WorkerSetup, WorkerStats } from '../protocol/worker-api.js';
import { signalFromPort } from './abort-port.js';
import { probeBackend } from './backend-probe.js';
import { describeEntry, type LoadedEntry } from './loaded-entry.js';
import { ortGpuDevice, serveOrtFilesFrom } from './ort-files.js';
import { SerialQueue } from './serial-queue.js';

const AUTO_CLASSES: Record<ModelKind, { fromPretrained(source: string, options: PipelineOptions): Promise<PreTrainedModel> }> = {
  ...AUTO_MODEL_CLASSES,
  ...PIPELINE_MODEL_CLASSES,
};

type ProgressCallback = Remote<(progress: FileProgress) => void>;

const GPU_LOSS_GRACE_MS = 500;

const sleep = (ms: number) => new Promise<undefined>((resolve) => setTimeout(resolve, ms, undefined));

function releaseImages(images: readonly WireImage[]): void {
  for (const image of images) {
    if (image instanceof ImageBitmap || (typeof VideoFrame === 'function' && image instanceof VideoFrame)) image.close();
  }
}

/**
 * The worker's side of {@link WorkerApi}: owns every session; the page only holds ids. Exposed through
 * `settledApi`, which hands results back with their buffers transferred, not copied.
 */
export class WorkerService implements WorkerApi {
  #setup: WorkerSetup = { wasmPaths: undefined, gpuLost: undefined };
  #events: WorkerEvents | undefined;
  #loaded = new Map<number, LoadedEntry>();
  #nextId = 1;
  /** Settles with a message when the GPU device of live WebGPU sessions is lost. */
  #gpuLoss: Promise<string | undefined> | undefined;
  readonly #liveGpuBuffers: () => number;

  constructor(liveGpuBuffers: () => number) {
    this.#liveGpuBuffers = liveGpuBuffers;
  }

  async init(setup: WorkerSetup, events: WorkerEvents): Promise<BackendReport> {
    this.#setup = setup;
    this.#events = events;
    serveOrtFilesFrom(setup.wasmPaths);
    return probeBackend(setup.gpuLost);
  }

  backend(): Promise<BackendReport> {
    return probeBackend(this.#setup.gpuLost);
  }

  async stats(): Promise<WorkerStats> {
    return { liveGpuBuffers: this.#liveGpuBuffers() };
  }

  loadPipeline(task: PipelineTask, model: string, options: WireLoadOptions, abort?: MessagePort, onProgress?: ProgressCallback) {
    return this.#load(options, abort, onProgress, async (loadOptions) => {
      const loaded = await pipeline(task, model, loadOptions);
      const run = loaded as unknown as NonNullable<LoadedEntry['pipeline']>;
      return { kind: 'pipeline', model: loaded.model, queue: new SerialQueue(), pipeline: run, close: () => loaded.close() };
    });
  }

  loadModel(kind: ModelKind, model: string, options: WireLoadOptions, abort?: MessagePort, onProgress?: ProgressCallback) {
    const autoClass = Object.hasOwn(AUTO_CLASSES, kind) ? AUTO_CLASSES[kind] : undefined;
    if (!autoClass) {
      throw new RetinaError('INVALID_ARGUMENT', `Unknown model class "${kind}"; use one of ${Object.keys(AUTO_CLASSES).join(', ')}.`);
    }
    return this.#load(options, abort, onProgress, async (loadOptions) => {
      const loaded = await autoClass.fromPretrained(model, loadOptions);
      return { kind: 'model', model: loaded, queue: new SerialQueue(), pipeline: undefined, close: () => loaded.dispose() };
    });
  }

  runPipeline(id: number, images: WireImage[], single: boolean, options: object, abort?: MessagePort): Promise<PipelineRun> {
    const entry = this.#entry(id, 'pipeline');
    return this.#queued(entry, abort, async () => {
      try {
        let timings!: PipelineTimings;
        const onTimings = (reported: PipelineTimings) => (timings = reported);
        const output = await entry.pipeline!(single ? images[0] : images, { ...options, onTimings });
        return { output, timings };
      } finally {
        releaseImages(images);
      }
    });
  }

  runModel(id: number, feeds: WireTensors, abort?: MessagePort): Promise<ModelRun> {
    const entry = this.#entry(id, 'model');
    const tensors = Object.fromEntries(Object.entries(feeds).map(([name, { dtype, data, dims }]) => [name, new Tensor(dtype, data, dims)]));
    return this.#queued(entry, abort, async () => {
      const started = performance.now();
      const outputs = await entry.model.session.run(tensors);
      return { outputs, inference: performance.now() - started };
    });
  }

  async close(id: number): Promise<void> {
    const entry = this.#loaded.get(id);
    this.#loaded.delete(id);
    await entry?.close();
  }

  /** Releases every session; onnxruntime destroys its GPU device when no session uses it any more. */
  async dispose(): Promise<void> {
    const entries = [...this.#loaded.values()];
    this.#loaded.clear();
    await Promise.all(entries.map((entry) => entry.close()));
  }

  async #load(
    options: WireLoadOptions,
    abort: MessagePort | undefined,
    onProgress: ProgressCallback | undefined,
    open: (options: PipelineOptions) => Promise<LoadedEntry>,
  ): Promise<LoadedInfo> {
    const { signal, close } = signalFromPort(abort);
    const requested = options.device ?? 'auto';
    const device = requested === 'auto' && this.#setup.gpuLost !== undefined ? 'wasm' : requested;
    const report = onProgress && ((progress: FileProgress) => void onProgress(progress));
    try {
      const entry = await open({ ...options, device, signal, onProgress: report });
      if (signal?.aborted) {
        // Aborted after the last file arrived: the page has already moved on.
        await entry.close();
        signal.throwIfAborted();
      }
      const id = this.#nextId++;
      this.#loaded.set(id, entry);
      if (entry.model.session.backend.device === 'webgpu') this.#watchGpuDevice();
      return describeEntry(id, entry);
    } finally {
      close();
      onProgress?.[releaseProxy]();
    }
  }

  #entry(id: number, kind: LoadedEntry['kind']): LoadedEntry {
    const entry = this.#loaded.get(id);
    if (entry?.kind !== kind) {
      throw new RetinaError('INFERENCE_FAILED', `This ${kind} was closed or disposed; load it again.`);
    }
    return entry;
  }

  async #queued<T>(entry: LoadedEntry, abort: MessagePort | undefined, task: () => Promise<T>): Promise<T> {
    const { signal, close } = signalFromPort(abort);
    try {
      return await entry.queue.run(task, signal);
    } catch (error) {
      // A run that fails because the device went away learns it before `device.lost` settles: wait
      // briefly for it, so that the page gets the loss (which rejects this call) rather than the symptom.
      if (entry.model.session.backend.device === 'webgpu' && this.#gpuLoss) {
        const lost = await Promise.race([this.#gpuLoss, sleep(GPU_LOSS_GRACE_MS)]);
        if (lost !== undefined) await this.#events?.gpuDeviceLost(lost);
      }
      throw error;
    } finally {
      close();
    }
  }

  #watchGpuDevice(): void {
    if (this.#gpuLoss) return;
    this.#gpuLoss = ortGpuDevice()
      .then((device) => device.lost)
      .then((info) => {
        this.#gpuLoss = undefined;
        // onnxruntime destroys its device itself once the last WebGPU session is released: no loss then.
        const inUse = [...this.#loaded.values()].some((entry) => entry.model.session.backend.device === 'webgpu');
        const message = `${info.reason}${info.message ? `: ${info.message}` : ''}`;
        if (inUse) void this.#events?.gpuDeviceLost(message);
        return inUse ? message : undefined;
      });
  }
}
