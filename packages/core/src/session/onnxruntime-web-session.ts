import type { InferenceSession } from './inference-session.js';
import { createOnnxruntimeSession, type ModelFiles } from './onnxruntime-session.js';

// TypeScript's DOM library has no WebGPU types; the adapter is only handed on to onnxruntime-web.
type WebGpuAdapter = object;
interface WebGpu {
  requestAdapter(): Promise<WebGpuAdapter | null>;
}

/** A WebGPU adapter of this environment, or why there is none. */
export async function findWebGpuAdapter(): Promise<{ adapter: WebGpuAdapter } | { unavailable: string }> {
  const gpu = (globalThis.navigator as { gpu?: WebGpu } | undefined)?.gpu;
  if (!gpu) return { unavailable: 'no WebGPU in this environment (navigator.gpu is undefined)' };
  try {
    const adapter = await gpu.requestAdapter();
    return adapter ? { adapter } : { unavailable: 'no WebGPU adapter (navigator.gpu.requestAdapter() gave null)' };
  } catch (error) {
    return { unavailable: `no WebGPU adapter (${error instanceof Error ? error.message : String(error)})` };
  }
}

/** A session on onnxruntime-web: WebGPU when an adapter is given, else WebAssembly on the CPU. */
export async function createOnnxruntimeWebSession(
  model: ModelFiles,
  options: { adapter?: WebGpuAdapter; numThreads?: number; reason: string },
): Promise<InferenceSession> {
  // Browsers get the `webgpu` entry (onnxruntime's native WebGPU provider; the default entry's JSEP
  // kernels miss BiT's goldens on WebGPU), Node the default entry, the only one that runs there.
  const ort = await import('#onnxruntime-web');
  // Both settings are process-wide in onnxruntime-web.
  if (options.numThreads !== undefined) ort.env.wasm.numThreads = options.numThreads;
  if (options.adapter) ort.env.webgpu.adapter = options.adapter;
  const device = options.adapter ? 'webgpu' : 'wasm';
  return createOnnxruntimeSession(ort, model, { executionProviders: [device] }, { runtime: 'onnxruntime-web', device, reason: options.reason });
}
