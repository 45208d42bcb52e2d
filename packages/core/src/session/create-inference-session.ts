import { RetinaError } from '../errors.js';
import type { ModelRepo, ReadFileOptions } from '../hub/model-repo.js';
import { readOnnxModel } from '../hub/read-onnx-model.js';
import { isNode } from '../hub/settings.js';
import { foldWeightTransposes } from './fold-weight-transposes.js';
import type { InferenceSession } from './inference-session.js';
import { createOnnxruntimeNodeSession, importOnnxruntimeNode } from './onnxruntime-node-session.js';
import type { ModelFiles } from './onnxruntime-session.js';
import { createOnnxruntimeWebSession } from './onnxruntime-web-session.js';
import { findWebGpuAdapter, whyAutoSkipsAdapter } from './webgpu-adapter.js';

const MODEL_FILES: Readonly<Record<InferenceSession.ModelDtype, string>> = {
  fp32: 'onnx/model.onnx',
  fp16: 'onnx/model_fp16.onnx',
  q8: 'onnx/model_quantized.onnx',
};

export type CreateSessionOptions = InferenceSession.CreateOptions & ReadFileOptions;

interface SessionFactory {
  /** Whether the runtime can read the graph from a local path (and its external data beside it). */
  readonly loadsFromPath: boolean;
  create(model: ModelFiles): Promise<InferenceSession>;
}

const DEVICES: readonly InferenceSession.Device[] = ['auto', 'webgpu', 'wasm', 'cpu'];

async function chooseBackend(options: CreateSessionOptions, gpuOutputs: readonly string[]): Promise<SessionFactory> {
  const device = options.device ?? 'auto';
  if (!DEVICES.includes(device)) {
    throw new RetinaError('INVALID_ARGUMENT', `device must be one of ${DEVICES.join(', ')}; got ${String(device)}.`);
  }
  const { numThreads } = options;
  const web = (reason: string, adapter?: GPUAdapter): SessionFactory => ({
    loadsFromPath: false,
    create: (model) => createOnnxruntimeWebSession(model, { adapter, numThreads, reason, gpuOutputs }),
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
      return { loadsFromPath: true, create: (model) => createOnnxruntimeNodeSession(node.runtime, model, { numThreads, reason }) };
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

async function readModelFiles(repo: ModelRepo, file: string, loadsFromPath: boolean, options: ReadFileOptions): Promise<ModelFiles> {
  const path = loadsFromPath ? await repo.localPath?.(file, options) : undefined;
  if (path !== undefined) return { file, location: repo.location, graph: path, externalData: [] };
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
  const factory = await chooseBackend(options, gpuOutputs);
  const file = options.modelFile ?? MODEL_FILES[dtype];
  return factory.create(await readModelFiles(repo, file, factory.loadsFromPath, options));
}
