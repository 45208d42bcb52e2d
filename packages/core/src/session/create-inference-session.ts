import { RetinaError } from '../errors.js';
import type { ModelRepo, ReadFileOptions } from '../hub/model-repo.js';
import { abortReason } from '../hub/read-errors.js';
import { besideGraph, readOnnxModel } from '../hub/read-onnx-model.js';
import { isNode } from '../hub/settings.js';
import { foldWeightTransposes } from './fold-weight-transposes.js';
import type { InferenceSession } from './inference-session.js';
import { createOnnxruntimeNodeSession, importOnnxruntimeNode } from './onnxruntime-node-session.js';
import { LOG_LEVELS, type ModelFiles } from './onnxruntime-session.js';
import { createOnnxruntimeWebSession, findWebGpuAdapter } from './onnxruntime-web-session.js';

const MODEL_FILES: Readonly<Record<InferenceSession.ModelDtype, string>> = {
  fp32: 'onnx/model.onnx',
  fp16: 'onnx/model_fp16.onnx',
  q8: 'onnx/model_quantized.onnx',
};

export type CreateSessionOptions = InferenceSession.CreateOptions & ReadFileOptions;

interface SessionFactory {
  create(model: ModelFiles): Promise<InferenceSession>;
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
    create: (model) => createOnnxruntimeWebSession(model, { adapter, numThreads, logLevel, reason, gpuOutputs }),
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
      return { create: (model) => createOnnxruntimeNodeSession(node.runtime, model, { numThreads, logLevel, reason }) };
    }
    if (device === 'cpu') throw deviceUnavailable('cpu', `${node.unavailable}; install onnxruntime-node or use device "wasm"`);
    return web(`Node.js without onnxruntime-node: ${node.unavailable}`);
  }
  if (device === 'cpu') return web('device "cpu" runs on WebAssembly outside Node.js');
  const gpu = await findWebGpuAdapter();
  if ('unavailable' in gpu) return web(gpu.unavailable);
  return web('WebGPU adapter available', gpu.adapter);
}

function deviceUnavailable(device: InferenceSession.Device, why: string): RetinaError {
  return new RetinaError('MODEL_LOAD_FAILED', `Cannot run on device "${device}": ${why}.`);
}

/**
 * Every runtime gets the bytes Retina read, checked (hub/check-onnx-model.ts) and verified against
 * `integrity`, never a path to read itself: what runs is what was checked.
 */
async function readModelFiles(repo: ModelRepo, file: string, options: ReadFileOptions): Promise<ModelFiles> {
  const { model, externalData = [] } = await readOnnxModel(repo, file, options);
  // The external-data buffers are changed in place: they stay the ones to hand over.
  const { graph } = foldWeightTransposes(model, externalData);
  return { file, location: repo.location, graph, externalData };
}

/**
 * Loads a repo's ONNX graph (`onnx/model.onnx`, or the file `dtype`/`modelFile` pick) on the runtime that
 * `device` selects; `session.backend` tells which one and why. On WebGPU, the outputs named in
 * `gpuOutputs` can be kept in GPU memory (gpu-outputs.ts); `run` still reads them back.
 */
export async function createInferenceSession(
  repo: ModelRepo,
  options: CreateSessionOptions = {},
  gpuOutputs: readonly string[] = [],
): Promise<InferenceSession> {
  const dtype = options.dtype ?? 'fp32';
  if (!Object.hasOwn(MODEL_FILES, dtype)) {
    throw new RetinaError('INVALID_ARGUMENT', `dtype must be one of ${Object.keys(MODEL_FILES).join(', ')}; got ${String(dtype)}.`);
  }
  const file = options.modelFile ?? MODEL_FILES[dtype];
  const { signal } = options;
  const action = `Loading ${file} from ${repo.location}`;
  // A repo of the caller's own may not watch the signal, and choosing a backend and parsing do not.
  const throwIfAborted = () => {
    if (signal?.aborted) throw abortReason(action, signal);
  };
  throwIfAborted();
  const factory = await chooseBackend(options, gpuOutputs);
  throwIfAborted();
  const model = await readModelFiles(repo, file, options);
  throwIfAborted();
  const create = () => factory.create(model).catch((error: unknown) => discardAndThrow(repo, model, error));
  return signal ? createUnlessAborted(create, signal, action) : create();
}

/**
 * A graph the runtime refused is not kept: a cached copy that passed Retina's checks but does not load
 * (e.g. cut off where a field ends) would otherwise fail every load until the cache is cleared.
 */
async function discardAndThrow(repo: ModelRepo, { file, externalData }: ModelFiles, error: unknown): Promise<never> {
  const discard = repo.discard?.bind(repo);
  const files = [file, ...externalData.map(({ path }) => besideGraph(file, path))];
  if (discard) await Promise.all(files.map((name) => discard(name).catch(() => undefined)));
  throw error;
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
      creating.then((session) => session.release()).catch(() => undefined);
    };
    creating.finally(() => signal.removeEventListener('abort', onAbort)).then(resolve, reject);
    // The runtime may have been called, and the signal aborted, before `create` returned.
    if (signal.aborted) onAbort();
    else signal.addEventListener('abort', onAbort, { once: true });
  });
}
