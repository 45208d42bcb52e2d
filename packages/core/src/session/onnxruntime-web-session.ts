import { RetinaError } from '../errors.js';
import { isNode } from '../hub/settings.js';
import type { InferenceSession } from './inference-session.js';
import { createOnnxruntimeSession, logSeverityLevel, type ModelFiles } from './onnxruntime-session.js';
import { supportedRange, unsupportedVersion } from './onnxruntime-versions.js';

/** A session on onnxruntime-web: WebGPU when an adapter is given, else WebAssembly on the CPU. */
export async function createOnnxruntimeWebSession(
  model: ModelFiles,
  options: {
    adapter?: GPUAdapter;
    numThreads?: number;
    logLevel: InferenceSession.LogLevel;
    reason: string;
    gpuOutputs?: readonly string[];
  },
): Promise<InferenceSession> {
  // Browsers get the `webgpu` entry (onnxruntime's native WebGPU provider; the default entry's JSEP
  // kernels miss BiT's goldens on WebGPU), Node the default entry, the only one that runs there.
  const ort = await importOnnxruntimeWeb();
  // Both settings are process-wide in onnxruntime-web.
  if (options.numThreads !== undefined) ort.env.wasm.numThreads = options.numThreads;
  if (options.adapter) ort.env.webgpu.adapter = options.adapter;
  const device = options.adapter ? 'webgpu' : 'wasm';
  const backend = { runtime: 'onnxruntime-web', device, reason: options.reason } as const;
  const gpuOutputs = options.adapter ? (options.gpuOutputs ?? []) : [];
  const sessionOptions = { executionProviders: [device], logSeverityLevel: logSeverityLevel(options.logLevel) };
  if (gpuOutputs.length === 0) return createOnnxruntimeSession(ort, model, sessionOptions, backend);
  const preferredOutputLocation = Object.fromEntries(gpuOutputs.map((name) => [name, 'gpu-buffer'] as const));
  // Typed as a promise, but onnxruntime-web 1.30 hands back the device itself; await takes either.
  const gpuDevice = async () => await ort.env.webgpu.device;
  return createOnnxruntimeSession(ort, model, { ...sessionOptions, preferredOutputLocation }, backend, gpuDevice);
}

/** A graph of one Identity node (x → y, float32 [1]) as OnnxGraph writes it: a session of it starts the runtime. */
const STARTER_GRAPH = 'CAgSBnJldGluYTo/ChMKAXgSAXkaAXkiCElkZW50aXR5EgZyZXRpbmFaDwoBeBIKCggIARIECgIIAWIPCgF5EgoKCAgBEgQKAggBQgQKABAR';

let runtimeStarted: Promise<void> | undefined;

/**
 * Starts onnxruntime-web's WebAssembly (fetching, compiling and instantiating its 26 MB module), once per
 * page or worker, by creating and releasing a one-node session: a load calls it as it begins, so that the
 * runtime starts while the model's files download. Settles with the first start's outcome.
 */
export function startOnnxruntimeWeb(numThreads: number | undefined): Promise<void> {
  runtimeStarted ??= (async () => {
    const ort = await importOnnxruntimeWeb();
    // Process-wide, and read once, as the WebAssembly starts.
    if (numThreads !== undefined) ort.env.wasm.numThreads = numThreads;
    const graph = Uint8Array.from(atob(STARTER_GRAPH), (c) => c.charCodeAt(0));
    try {
      const session = await ort.InferenceSession.create(graph, { executionProviders: ['wasm'] });
      await session.release();
    } catch (cause) {
      throw new RetinaError('MODEL_LOAD_FAILED', `onnxruntime-web could not start its WebAssembly: ${(cause as Error).message}.`, {
        cause,
      });
    }
  })();
  return runtimeStarted;
}

// An optional peer dependency: a browser bundle fails to build without it, Node only finds out here.
async function importOnnxruntimeWeb(): Promise<typeof import('#onnxruntime-web')> {
  const ort = await importOnnxruntimeWebModule();
  const unsupported = unsupportedVersion('onnxruntime-web', ort.env.versions.web);
  if (unsupported)
    throw new RetinaError('MODEL_LOAD_FAILED', `${unsupported}. Install onnxruntime-web@"${supportedRange('onnxruntime-web')}".`);
  return ort;
}

async function importOnnxruntimeWebModule(): Promise<typeof import('#onnxruntime-web')> {
  try {
    return await import('#onnxruntime-web');
  } catch (cause) {
    if ((cause as { code?: unknown }).code !== 'ERR_MODULE_NOT_FOUND' || !String(cause).includes('onnxruntime-web')) throw cause;
    const alternative = isNode ? ' (WebAssembly), or onnxruntime-node to run on the CPU' : '';
    throw new RetinaError('MODEL_LOAD_FAILED', `onnxruntime-web is not installed: run \`npm install onnxruntime-web\`${alternative}.`, {
      cause,
    });
  }
}
