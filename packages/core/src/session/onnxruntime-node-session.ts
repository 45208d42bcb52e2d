import type { InferenceSession } from './inference-session.js';
import { importNodeOnly } from '../node-builtin.js';
import { createOnnxruntimeSession, type ModelFiles, type OrtRuntime } from './onnxruntime-session.js';

/** onnxruntime-node when it can be imported here, else why not. */
export async function importOnnxruntimeNode(): Promise<{ runtime: OrtRuntime } | { unavailable: string }> {
  try {
    return { runtime: await importNodeOnly<OrtRuntime>('onnxruntime-node') };
  } catch (error) {
    return { unavailable: `onnxruntime-node cannot be imported (${error instanceof Error ? error.message : String(error)})` };
  }
}

/** A session on onnxruntime-node's CPU execution provider. */
export function createOnnxruntimeNodeSession(
  runtime: OrtRuntime,
  model: ModelFiles,
  options: { numThreads?: number; reason: string },
): Promise<InferenceSession> {
  return createOnnxruntimeSession(
    runtime,
    model,
    { executionProviders: ['cpu'], ...(options.numThreads !== undefined && { intraOpNumThreads: options.numThreads }) },
    { runtime: 'onnxruntime-node', device: 'cpu', reason: options.reason },
  );
}
