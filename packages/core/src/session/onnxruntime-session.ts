// Shared by the onnxruntime-node and onnxruntime-web adapters: both expose onnxruntime-common's API.
import { withAsyncDispose } from '../async-dispose.js';
import type * as ort from 'onnxruntime-web';
import { RetinaError } from '../errors.js';
import type { OnnxExternalData } from '../onnx/onnx-external-data.js';
import { Tensor, type TensorDataType } from '../tensor.js';
import { FOLDED_CONSTANT_LIMIT_BYTES } from './constant-folding.js';
import { fromFloat16Bits, toFloat16Bits } from './float16.js';
import { registerGpuOutputRun, type GpuTensor } from './gpu-outputs.js';
import type { InferenceSession } from './inference-session.js';

export type OrtRuntime = Pick<typeof ort, 'InferenceSession' | 'Tensor' | 'env'>;

const LOG_SEVERITY = { verbose: 0, info: 1, warning: 2, error: 3, fatal: 4 } as const satisfies Record<InferenceSession.LogLevel, number>;

export const LOG_LEVELS = Object.keys(LOG_SEVERITY) as InferenceSession.LogLevel[];

/** onnxruntime's `logSeverityLevel` for a Retina log level. */
export function logSeverityLevel(level: InferenceSession.LogLevel): ort.InferenceSession.SessionOptions['logSeverityLevel'] {
  return LOG_SEVERITY[level];
}

/** A graph and its external data, as the runtime receives them. */
export interface ModelFiles {
  /** Path of the graph inside the repo, for messages. */
  readonly file: string;
  /** Repo location, for messages. */
  readonly location: string;
  /** The graph's bytes. */
  readonly graph: Uint8Array;
  /** Milliseconds spent building the graph from a checkpoint, for graphs Retina built. */
  readonly buildMs?: number;
  /** `path` is the file name the graph refers to (e.g. "model.onnx.data"). */
  readonly externalData: readonly OnnxExternalData[];
}

/**
 * onnxruntime 1.30 fuses a zero Pad into the following MaxPool, where padding then acts as -inf; BiT's
 * preactivation stem is exactly that pattern and comes out wrong at the borders. Constants it may fold:
 * see constant-folding.ts.
 */
const ORT_SESSION_EXTRA = {
  'optimization.disable_specified_optimizers': 'Pad_Fusion',
  'optimization.constant_folding_max_output_size_in_bytes': String(FOLDED_CONSTANT_LIMIT_BYTES),
} as const;

const RETINA_DTYPES: readonly string[] = ['float32', 'int32', 'int64', 'uint8', 'bool'] satisfies TensorDataType[];

/** float16 inputs and outputs (fp16 exports) are presented as float32 and converted at the boundary. */
function toMetadata(metadata: readonly ort.InferenceSession.ValueMetadata[]): InferenceSession.ValueMetadata[] {
  return metadata.map((value) => {
    if (!value.isTensor) return { name: value.name, dtype: 'non-tensor', dims: [] };
    return { name: value.name, dtype: value.type === 'float16' ? 'float32' : value.type, dims: value.shape };
  });
}

function float16Names(metadata: readonly ort.InferenceSession.ValueMetadata[]): Set<string> {
  return new Set(metadata.filter((value) => value.isTensor && value.type === 'float16').map((value) => value.name));
}

function fromOrtTensor(name: string, value: ort.OnnxValue): Tensor {
  if (value.type === 'float16') {
    // onnxruntime hands float16 out as raw bits (Uint16Array), or as a Float16Array where the engine has one.
    const data = value.data instanceof Uint16Array ? fromFloat16Bits(value.data) : Float32Array.from(value.data as ArrayLike<number>);
    return new Tensor('float32', data, value.dims);
  }
  if (!RETINA_DTYPES.includes(value.type)) {
    throw new RetinaError('INFERENCE_FAILED', `Graph output ${name} has element type ${value.type}, which Retina tensors cannot hold.`);
  }
  // `data` is the runtime's own typed array: wrapped, not copied.
  return new Tensor(value.type as TensorDataType, value.data as Tensor['data'], value.dims);
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

class OnnxruntimeSession implements InferenceSession {
  readonly inputMetadata: readonly InferenceSession.ValueMetadata[];
  readonly outputMetadata: readonly InferenceSession.ValueMetadata[];
  readonly backend: InferenceSession.Backend;
  loadTimings: InferenceSession.LoadTimings | undefined;
  readonly #float16Inputs: Set<string>;
  #session: ort.InferenceSession | undefined;
  readonly #runtime: OrtRuntime;
  // Runs are serialised: onnxruntime-web on WebGPU fails a run started while another one is in flight
  // ("Session already started").
  #queue: Promise<unknown> = Promise.resolve();

  constructor(runtime: OrtRuntime, session: ort.InferenceSession, backend: InferenceSession.Backend) {
    this.#runtime = runtime;
    this.#session = session;
    this.backend = backend;
    this.inputMetadata = toMetadata(session.inputMetadata);
    this.#float16Inputs = float16Names(session.inputMetadata);
    this.outputMetadata = toMetadata(session.outputMetadata);
  }

  run(feeds: Readonly<Record<string, Tensor>>): Promise<Record<string, Tensor>> {
    return this.#enqueue(feeds, undefined) as Promise<Record<string, Tensor>>;
  }

  /** Like `run`, but outputs onnxruntime left in GPU memory stay there, on `device`. */
  runKeepingGpuOutputs(feeds: Readonly<Record<string, Tensor>>, device: GPUDevice): Promise<Record<string, Tensor | GpuTensor>> {
    return this.#enqueue(feeds, device);
  }

  #enqueue(feeds: Readonly<Record<string, Tensor>>, gpuDevice: GPUDevice | undefined): Promise<Record<string, Tensor | GpuTensor>> {
    const result = this.#queue.then(() => this.#run(feeds, gpuDevice));
    this.#queue = result.catch(() => undefined);
    return result;
  }

  async #run(feeds: Readonly<Record<string, Tensor>>, gpuDevice: GPUDevice | undefined): Promise<Record<string, Tensor | GpuTensor>> {
    const session = this.#session;
    if (!session) throw new RetinaError('INFERENCE_FAILED', 'This inference session was disposed; load the model again.');
    const ortFeeds: Record<string, ort.Tensor> = {};
    for (const [name, tensor] of Object.entries(feeds)) {
      if (this.#float16Inputs.has(name) && tensor.dtype === 'float32') {
        ortFeeds[name] = new this.#runtime.Tensor('float16', toFloat16Bits(tensor.data as Float32Array), tensor.dims);
        continue;
      }
      // Same typed array handed over, no copy; Retina's dtype names are onnxruntime's.
      ortFeeds[name] = new this.#runtime.Tensor(tensor.dtype, tensor.data as Float32Array, tensor.dims);
    }
    let outputs: ort.InferenceSession.ReturnType;
    try {
      outputs = await session.run(ortFeeds);
    } catch (error) {
      throw new RetinaError('INFERENCE_FAILED', `${this.backend.runtime} failed to run the model: ${errorMessage(error)}`, {
        cause: error,
      });
    }
    const entries = Object.entries(outputs).map(async ([name, value]) => {
      if (value.location !== 'gpu-buffer') return [name, fromOrtTensor(name, value)] as const;
      const download = async () =>
        fromOrtTensor(name, new this.#runtime.Tensor(value.type, await value.getData(true), value.dims)) as Tensor<'float32'>;
      if (!gpuDevice) return [name, await download()] as const;
      const kept: GpuTensor = { dims: value.dims, buffer: value.gpuBuffer, device: gpuDevice, download, dispose: () => value.dispose() };
      return [name, kept] as const;
    });
    return Object.fromEntries<Tensor | GpuTensor>(await Promise.all(entries));
  }

  async dispose(): Promise<void> {
    const session = this.#session;
    this.#session = undefined;
    await this.#queue;
    await session?.release();
  }

  /** `await using session = ...` disposes the session when the block ends (defined below the class). */
  declare [Symbol.asyncDispose]: () => Promise<void>;
}

// Not a computed method: where Symbol.asyncDispose is missing, that would define a method named "undefined".
withAsyncDispose(OnnxruntimeSession.prototype, function (this: OnnxruntimeSession) {
  return this.dispose();
});

/**
 * Creates an onnxruntime session; load errors become MODEL_LOAD_FAILED naming the file. With
 * `gpuDevice`, the session's GPU-output run is registered (see gpu-outputs.ts).
 */
export async function createOnnxruntimeSession(
  runtime: OrtRuntime,
  model: ModelFiles,
  options: ort.InferenceSession.SessionOptions,
  backend: InferenceSession.Backend,
  gpuDevice?: () => Promise<GPUDevice>,
): Promise<InferenceSession> {
  let session: ort.InferenceSession;
  try {
    const sessionOptions = { ...options, externalData: model.externalData, extra: ORT_SESSION_EXTRA };
    session = await runtime.InferenceSession.create(model.graph, sessionOptions);
  } catch (error) {
    throw new RetinaError(
      'MODEL_LOAD_FAILED',
      `Could not load ${model.file} from ${model.location} with ${backend.runtime} (${backend.device}): ${errorMessage(error)}`,
      { cause: error },
    );
  }
  const wrapped = new OnnxruntimeSession(runtime, session, backend);
  if (gpuDevice) {
    const device = await gpuDevice();
    registerGpuOutputRun(wrapped, (feeds) => wrapped.runKeepingGpuOutputs(feeds, device));
  }
  return wrapped;
}
