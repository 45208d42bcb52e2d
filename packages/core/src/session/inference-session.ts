import type { Tensor } from '../tensor.js';

/**
 * A loaded model graph that runs on some runtime. Model classes only talk to this interface, so the
 * runtime (onnxruntime-web, onnxruntime-node, or a test double) is chosen at load time.
 */
export interface InferenceSession {
  readonly inputMetadata: readonly InferenceSession.ValueMetadata[];
  readonly outputMetadata: readonly InferenceSession.ValueMetadata[];
  /** Which runtime and device run the graph, and why they were chosen. */
  readonly backend: InferenceSession.Backend;
  /** Where the load's time went (sessions made by `createInferenceSession`). */
  readonly loadTimings?: InferenceSession.LoadTimings;
  /** Runs the graph; resolves with every graph output by name. */
  run(feeds: Readonly<Record<string, Tensor>>): Promise<Record<string, Tensor>>;
  /** Frees the runtime's resources (also at the end of an `await using` block). Further runs fail. */
  dispose(): Promise<void>;
  [Symbol.asyncDispose](): Promise<void>;
}

// A namespace merged with the interface, as onnxruntime's own InferenceSession types are: InferenceSession.Device reads as one API.
// eslint-disable-next-line @typescript-eslint/no-namespace
export namespace InferenceSession {
  /**
   * `auto`: onnxruntime-node in Node.js when installed, WebGPU in a browser with a hardware adapter, else
   * WASM (a fallback adapter, a software emulation of a GPU, is slower than WASM).
   */
  export type Device = 'auto' | 'webgpu' | 'wasm' | 'cpu';

  /**
   * The precision of the weights (and compute): from an ONNX repo, the file transformers.js reads for it
   * (onnx/model.onnx, onnx/model_fp16.onnx, onnx/model_quantized.onnx, onnx/model_q4.onnx); from a checkpoint,
   * what the graph is built as. `q8`: int8 Linear weights, activations quantized at run time (WebGPU:
   * weight-only int8); `q4`: 4-bit Linear weights in blocks of 32. Convolutions stay float32.
   */
  export type ModelDtype = 'fp32' | 'fp16' | 'q8' | 'q4';

  /** Where the graph comes from: `onnx` the repo's ONNX file, `weights` built from its checkpoint, `auto` the file when present. */
  export type ModelSource = 'auto' | 'onnx' | 'weights';

  export type Runtime = 'onnxruntime-node' | 'onnxruntime-web';

  /** How much onnxruntime itself writes to the console, least to most severe. */
  export type LogLevel = 'verbose' | 'info' | 'warning' | 'error' | 'fatal';

  export interface Backend {
    readonly runtime: Runtime;
    readonly device: Exclude<Device, 'auto'>;
    /** Why this backend was picked, e.g. "no WebGPU adapter". */
    readonly reason: string;
  }

  /**
   * Where a model load's time went, in milliseconds. `runtime` runs alongside `files` (the runtime starts
   * as the load begins), so the stages add up to more than `total` when both take time.
   */
  export interface LoadTimings {
    /** Reading the graph and its weights: download, Cache API or disk, and Retina's checks. */
    files: number;
    /** Building the graph from a checkpoint (source "weights"); 0 when an ONNX file was read. */
    build: number;
    /**
     * Until the runtime was ready: onnxruntime-web fetching, compiling and instantiating its WebAssembly,
     * once per page or worker (about 0 for later loads, and for onnxruntime-node).
     */
    runtime: number;
    /** Creating the session from the graph (onnxruntime's optimisations and weights; on WebGPU its device and kernels). */
    session: number;
    /** The whole load, from choosing the backend to the session. */
    total: number;
  }

  export interface ValueMetadata {
    readonly name: string;
    /** Element type as onnxruntime names it ("float32", "bool", "float16", ...). */
    readonly dtype: string;
    /** Fixed sizes as numbers; dynamic axes by their symbolic name ("batch_size"). */
    readonly dims: readonly (number | string)[];
  }

  export interface CreateOptions {
    /** Default `auto`. */
    device?: Device;
    /** Default `fp32`. */
    dtype?: ModelDtype;
    /**
     * Default `auto`: `onnx/model.onnx` (or the file `dtype` picks) when the repo has it, else the graph
     * built from config.json and the checkpoint (model.safetensors or pytorch_model.bin).
     */
    source?: ModelSource;
    /**
     * Graph file inside the model repo, overriding the one `dtype` picks; its external data is read from
     * `<modelFile>.data` when that file exists.
     */
    modelFile?: string;
    /**
     * CPU threads per operator (onnxruntime-node), or WASM threads (onnxruntime-web: process-wide, and only
     * before its first session).
     */
    numThreads?: number;
    /**
     * What onnxruntime logs to the console. Default `error`: a load and runs that work log nothing.
     * `warning` or `verbose` bring its messages back for debugging (e.g. which nodes it runs on the CPU).
     */
    logLevel?: LogLevel;
    /**
     * For a graph built from the checkpoint: the most bytes the build may allocate for tensors it computes
     * from config.json's numbers (position tables and indexes, relative position biases, pooling matrices).
     * Default 4 × the checkpoint's parameters as float32, plus 64 MiB; a config that needs more is refused
     * with INVALID_CONFIG before anything is allocated.
     */
    maxBuildBytes?: number;
  }
}
