import type { InferenceSession } from './inference-session.js';
import type { Tensor } from '../tensor.js';

/** A float32 graph output left in GPU memory by a WebGPU session. */
export interface GpuTensor {
  readonly dims: readonly number[];
  readonly buffer: GPUBuffer;
  /** The device the buffer lives on: onnxruntime-web's. */
  readonly device: GPUDevice;
  /** Reads the values back and frees the buffer. */
  download(): Promise<Tensor<'float32'>>;
  /** Frees the buffer. */
  dispose(): void;
}

/** Runs of a WebGPU session that leave the outputs named at load time in GPU memory. */
export type GpuOutputRun = (feeds: Readonly<Record<string, Tensor>>) => Promise<Record<string, Tensor | GpuTensor>>;

// Kept beside the public InferenceSession interface, so that no GPU type reaches its declarations.
const gpuRuns = new WeakMap<InferenceSession, GpuOutputRun>();

export function registerGpuOutputRun(session: InferenceSession, run: GpuOutputRun): void {
  gpuRuns.set(session, run);
}

/** The GPU-output run of `session`, when it is a WebGPU session loaded with GPU outputs. */
export function gpuOutputRunOf(session: InferenceSession): GpuOutputRun | undefined {
  return gpuRuns.get(session);
}

export function isGpuTensor(value: unknown): value is GpuTensor {
  return typeof value === 'object' && value !== null && 'buffer' in value && 'device' in value;
}
