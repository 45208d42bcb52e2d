import type { InferenceSession } from './inference-session.js';
import { createOnnxruntimeSession, type ModelFiles } from './onnxruntime-session.js';

/** A session on onnxruntime-web: WebGPU when an adapter is given, else WebAssembly on the CPU. */
export async function createOnnxruntimeWebSession(
  model: ModelFiles,
  options: { adapter?: GPUAdapter; numThreads?: number; reason: string; gpuOutputs?: readonly string[] },
): Promise<InferenceSession> {
  // Browsers get the `webgpu` entry (onnxruntime's native WebGPU provider; the default entry's JSEP
  // kernels miss BiT's goldens on WebGPU), Node the default entry, the only one that runs there.
  const ort = await import('#onnxruntime-web');
  // Both settings are process-wide in onnxruntime-web.
  if (options.numThreads !== undefined) ort.env.wasm.numThreads = options.numThreads;
  if (options.adapter) ort.env.webgpu.adapter = options.adapter;
  const device = options.adapter ? 'webgpu' : 'wasm';
  const backend = { runtime: 'onnxruntime-web', device, reason: options.reason } as const;
  const gpuOutputs = options.adapter ? (options.gpuOutputs ?? []) : [];
  if (gpuOutputs.length === 0) return createOnnxruntimeSession(ort, model, { executionProviders: [device] }, backend);
  const preferredOutputLocation = Object.fromEntries(gpuOutputs.map((name) => [name, 'gpu-buffer'] as const));
  // Typed as a promise, but onnxruntime-web 1.30 hands back the device itself; await takes either.
  const gpuDevice = async () => (await ort.env.webgpu.device) as GPUDevice;
  return createOnnxruntimeSession(ort, model, { executionProviders: [device], preferredOutputLocation }, backend, gpuDevice);
}
