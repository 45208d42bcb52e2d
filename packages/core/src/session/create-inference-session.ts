import { RetinaError } from '../errors.js';
import type { ModelRepo, ReadFileOptions } from '../hub/model-repo.js';
import { abortReason, isFileNotFound } from '../hub/read-errors.js';
import { besideGraph, readOnnxExternalData } from '../hub/read-onnx-model.js';
import { isNode } from '../hub/settings.js';
import { foldWeightTransposes } from './fold-weight-transposes.js';
import type { InferenceSession } from './inference-session.js';
import { createOnnxruntimeNodeSession, importOnnxruntimeNode } from './onnxruntime-node-session.js';
import { LOG_LEVELS, type ModelFiles } from './onnxruntime-session.js';
import { createOnnxruntimeWebSession, startOnnxruntimeWeb } from './onnxruntime-web-session.js';
import { findWebGpuAdapter, whyAdapterRefusesDtype, whyAutoSkipsAdapter } from './webgpu-adapter.js';

const MODEL_FILES: Readonly<Record<InferenceSession.ModelDtype, string>> = {
  fp32: 'onnx/model.onnx',
  fp16: 'onnx/model_fp16.onnx',
  q8: 'onnx/model_quantized.onnx',
  q4: 'onnx/model_q4.onnx',
};

export type CreateSessionOptions = InferenceSession.CreateOptions & ReadFileOptions;

interface SessionFactory {
  /** The onnxruntime provider the sessions run on, which a graph built for them may depend on (q8). */
  readonly provider: 'cpu' | 'webgpu';
  /** The WebGPU adapter, for the WebGPU provider. */
  readonly adapter?: GPUAdapter;
  create(model: ModelFiles): Promise<InferenceSession>;
  /** Starts the runtime ahead of `create` (onnxruntime-web's WebAssembly), while the files are read. */
  start?(): Promise<void>;
}

const DEVICES: readonly InferenceSession.Device[] = ['auto', 'webgpu', 'wasm', 'cpu'];

async function chooseBackend(options: CreateSessionOptions, gpuOutputs: readonly string[]): Promise<SessionFactory> {
  const device = options.device ?? 'auto';
  if (!DEVICES.includes(device)) {
    throw new RetinaError('INVALID_ARGUMENT', `device must be one of ${DEVICES.join(', ')}; got ${String(device)}.`);
  }
  const logLevel = options.logLevel ?? 'error';
  if (!LOG_LEVELS.includes(logLevel)) {
    throw new RetinaError('INVALID_ARGUMENT', `logLevel must be one of ${LOG_LEVELS.join(', ')}; got ${String(logLevel)}.`);
  }
  const { numThreads } = options;
  const web = (reason: string, adapter?: GPUAdapter): SessionFactory => ({
    provider: adapter ? 'webgpu' : 'cpu',
    adapter,
    create: (model) => createOnnxruntimeWebSession(model, { adapter, numThreads, logLevel, reason, gpuOutputs }),
    start: () => startOnnxruntimeWeb(numThreads),
  });

  if (device === 'wasm') return web('device "wasm" requested');
  if (device === 'webgpu') {
    const gpu = await findWebGpuAdapter();
    if ('unavailable' in gpu) throw deviceUnavailable('webgpu', gpu.unavailable);
    return web('device "webgpu" requested', gpu.adapter);
  }
  if (isNode) {
    const node = await importOnnxruntimeNode();
    if ('runtime' in node) {
      const reason = device === 'cpu' ? 'device "cpu" requested' : 'Node.js with onnxruntime-node installed';
      return { provider: 'cpu', create: (model) => createOnnxruntimeNodeSession(node.runtime, model, { numThreads, logLevel, reason }) };
    }
    if (device === 'cpu') throw deviceUnavailable('cpu', `${node.unavailable}; install onnxruntime-node or use device "wasm"`);
    return web(`Node.js without onnxruntime-node: ${node.unavailable}`);
  }
  if (device === 'cpu') return web('device "cpu" runs on WebAssembly outside Node.js');
  const gpu = await findWebGpuAdapter();
  if ('unavailable' in gpu) return web(gpu.unavailable);
  const skipped = whyAutoSkipsAdapter(gpu.adapter);
  return skipped === undefined ? web('WebGPU adapter available', gpu.adapter) : web(skipped);
}

function deviceUnavailable(device: InferenceSession.Device, why: string): RetinaError {
  return new RetinaError('MODEL_LOAD_FAILED', `Cannot run on device "${device}": ${why}.`);
}

/** How a model's graph can be had besides an ONNX file, and what an ONNX file must satisfy. */
export interface GraphSources {
  /** Builds the graph from the repo's checkpoint (source "weights", or "auto" without an ONNX file) for `provider`. */
  fromWeights?(dtype: InferenceSession.ModelDtype, provider: 'cpu' | 'webgpu'): Promise<ModelFiles>;
  /** Whether the repo keeps a copy of the checkpoint `fromWeights` reads (see ModelRepo.cached). */
  weightsCached?(): Promise<boolean>;
  /** Sees every ONNX graph read as bytes before a runtime does; throws to refuse it. */
  checkGraph?(graph: Uint8Array, file: string): void;
}

const SOURCES: readonly InferenceSession.ModelSource[] = ['auto', 'onnx', 'weights'];

/**
 * The ONNX file and its external data; undefined when `optional` and the repo has no such file. Every
 * runtime gets the bytes Retina read, checked (hub/check-onnx-model.ts) and verified against `integrity`,
 * never a path to read itself: what runs is what was checked.
 */
async function readModelFiles(
  repo: ModelRepo,
  file: string,
  options: ReadFileOptions,
  optional: boolean,
  sources: GraphSources,
): Promise<ModelFiles | undefined> {
  let model: Uint8Array;
  try {
    model = await repo.bytes(file, options);
  } catch (error) {
    if (optional && isFileNotFound(error)) return undefined;
    throw error;
  }
  sources.checkGraph?.(model, file);
  const { externalData = [] } = await readOnnxExternalData(repo, file, model, options);
  // The external-data buffers are changed in place: they stay the ones to hand over.
  const { graph } = foldWeightTransposes(model, externalData);
  return { file, location: repo.location, graph, externalData };
}

/** The graph built from the weights; `missingFile` is the ONNX file "auto" looked for first, for the message. */
async function builtModelFiles(
  sources: GraphSources,
  dtype: InferenceSession.ModelDtype,
  provider: 'cpu' | 'webgpu',
  location: string,
  missingFile?: string,
): Promise<ModelFiles> {
  if (!sources.fromWeights) {
    throw new RetinaError(
      'UNSUPPORTED_MODEL',
      `Retina cannot build this model's graph from weights yet; ${location} needs its ONNX file (source "onnx").`,
    );
  }
  try {
    return await sources.fromWeights(dtype, provider);
  } catch (error) {
    if (missingFile === undefined || !isFileNotFound(error)) throw error;
    // The fp32 graph may well be there: another dtype of an ONNX-only repo is a choice the repo cannot serve.
    if (dtype !== 'fp32') {
      throw new RetinaError(
        'INVALID_ARGUMENT',
        `dtype "${dtype}" needs ${missingFile} in ${location}, or a checkpoint to build it from, and ${location} has neither. ` +
          `Load it with dtype "fp32" (onnx/model.onnx), or add ${missingFile}. ${(error as Error).message}`,
        { cause: error },
      );
    }
    throw new RetinaError(
      'FILE_NOT_FOUND',
      `${location} has no ${missingFile}, nor weights to build the graph from. ${(error as Error).message}`,
      { cause: error },
    );
  }
}

/**
 * Loads a repo's model on the runtime that `device` selects; `session.backend` tells which one and why.
 * `source` "onnx" reads the ONNX graph (`onnx/model.onnx`, or the file `dtype`/`modelFile` pick), "weights"
 * builds it from the checkpoint with `sources.fromWeights`, and "auto" (the default) does the first when the
 * repo has the file and the second otherwise. On WebGPU, the outputs named in `gpuOutputs` can be kept in
 * GPU memory (gpu-outputs.ts); `run` still reads them back.
 */
export async function createInferenceSession(
  repo: ModelRepo,
  options: CreateSessionOptions = {},
  gpuOutputs: readonly string[] = [],
  sources: GraphSources = {},
): Promise<InferenceSession> {
  const dtype = options.dtype ?? 'fp32';
  if (!Object.hasOwn(MODEL_FILES, dtype)) {
    throw new RetinaError('INVALID_ARGUMENT', `dtype must be one of ${Object.keys(MODEL_FILES).join(', ')}; got ${String(dtype)}.`);
  }
  const source = options.source ?? 'auto';
  if (!SOURCES.includes(source)) {
    throw new RetinaError('INVALID_ARGUMENT', `source must be one of ${SOURCES.join(', ')}; got ${String(source)}.`);
  }
  const file = options.modelFile ?? MODEL_FILES[dtype];
  const { signal } = options;
  const action = `Loading ${file} from ${repo.location}`;
  // A repo of the caller's own may not watch the signal, and choosing a backend and parsing do not.
  const throwIfAborted = () => {
    if (signal?.aborted) throw abortReason(action, signal);
  };
  throwIfAborted();
  const started = performance.now();
  const factory = await chooseBackend(options, gpuOutputs);
  const refused = factory.adapter && whyAdapterRefusesDtype(factory.adapter, dtype);
  if (refused) throw new RetinaError('INVALID_ARGUMENT', `${refused} (loading ${repo.location})`);
  throwIfAborted();
  // In browsers the runtime starts while the files download (its failure is the load's, once they are read).
  // In Node it starts after them, as it always did there: its start competes with the downloads for the
  // one event loop, which a server's keep-alive timeout then sees idle.
  const startRuntime = () => factory.start?.().then(() => performance.now());
  let runtimeReady = isNode ? undefined : startRuntime();
  runtimeReady?.catch(() => undefined);
  const filesStarted = performance.now();
  // A named modelFile means that file; "auto" falls back to the weights only for the default graph.
  const optional = source === 'auto' && options.modelFile === undefined && sources.fromWeights !== undefined;
  const fromKeptWeights = optional && (await keepsWeightsNotGraph(repo, file, sources));
  const read = source === 'weights' || fromKeptWeights ? undefined : await readModelFiles(repo, file, options, optional, sources);
  const missingFile = source === 'auto' && !fromKeptWeights ? file : undefined;
  const model = read ?? (await builtModelFiles(sources, dtype, factory.provider, repo.location, missingFile));
  const filesDone = performance.now();
  throwIfAborted();
  runtimeReady ??= startRuntime();
  const ready = runtimeReady ? await (signal ? untilAborted(runtimeReady, signal, action) : runtimeReady) : started;
  const create = read
    ? () => factory.create(read).catch((error: unknown) => discardAndThrow(repo, read, error))
    : () => factory.create(model);
  const session = await (signal ? createUnlessAborted(create, signal, action) : create());
  const done = performance.now();
  const build = model.buildMs ?? 0;
  const loadTimings: InferenceSession.LoadTimings = {
    files: filesDone - filesStarted - build,
    build,
    runtime: ready - started,
    session: done - Math.max(filesDone, ready),
    total: done - started,
  };
  return Object.assign(session, { loadTimings });
}

/**
 * Whether "auto" can build from a checkpoint kept by an earlier load without asking the server for the ONNX
 * file: a 404 is never kept, so every load would ask again, and an offline reload would fail. A graph kept
 * too (cached later) still wins.
 */
async function keepsWeightsNotGraph(repo: ModelRepo, file: string, sources: GraphSources): Promise<boolean> {
  if (!repo.cached || !sources.weightsCached || (await repo.cached(file))) return false;
  return sources.weightsCached();
}

/**
 * A graph file the runtime refused is not kept: a cached copy that passed Retina's checks but does not
 * load (e.g. cut off where a field ends) would otherwise fail every load until the cache is cleared.
 */
async function discardAndThrow(repo: ModelRepo, { file, externalData }: ModelFiles, error: unknown): Promise<never> {
  const discard = repo.discard?.bind(repo);
  const files = [file, ...externalData.map(({ path }) => besideGraph(file, path))];
  if (discard) await Promise.all(files.map((name) => discard(name).catch(() => undefined)));
  throw error;
}

/** `promise`, or a rejection with the abort reason as soon as `signal` aborts. */
function untilAborted<T>(promise: Promise<T>, signal: AbortSignal, action: string): Promise<T> {
  return new Promise((resolve, reject) => {
    // The abort reason is the caller's, whatever it is.
    // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors
    const onAbort = () => reject(abortReason(action, signal));
    promise.finally(() => signal.removeEventListener('abort', onAbort)).then(resolve, reject);
    if (signal.aborted) onAbort();
    else signal.addEventListener('abort', onAbort, { once: true });
  });
}

/**
 * A runtime cannot stop creating a session: an abort rejects at once, and the session is released
 * when it is ready.
 */
function createUnlessAborted(create: () => Promise<InferenceSession>, signal: AbortSignal, action: string): Promise<InferenceSession> {
  return new Promise((resolve, reject) => {
    const creating = create();
    const onAbort = () => {
      // The abort reason is the caller's, whatever it is.
      // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors
      reject(abortReason(action, signal));
      creating.then((session) => session.dispose()).catch(() => undefined);
    };
    creating.finally(() => signal.removeEventListener('abort', onAbort)).then(resolve, reject);
    // The runtime may have been called, and the signal aborted, before `create` returned.
    if (signal.aborted) onAbort();
    else signal.addEventListener('abort', onAbort, { once: true });
  });
}
