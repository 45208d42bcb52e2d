import type { InferenceSession } from './inference-session.js';
import { importNodeOnly } from '../node-builtin.js';
import { createOnnxruntimeSession, logSeverityLevel, type ModelFiles, type OrtRuntime } from './onnxruntime-session.js';
import { unsupportedVersion } from './onnxruntime-versions.js';

/** onnxruntime-node when it can be imported here and is a supported version, else why not. */
export async function importOnnxruntimeNode(): Promise<{ runtime: OrtRuntime } | { unavailable: string }> {
  let runtime: OrtRuntime;
  try {
    runtime = await importNodeOnly<OrtRuntime>('onnxruntime-node');
  } catch (error) {
    return { unavailable: `onnxruntime-node cannot be imported (${error instanceof Error ? error.message : String(error)})` };
  }
  const unsupported = unsupportedVersion('onnxruntime-node', (runtime.env.versions as { node?: string }).node);
  return unsupported ? { unavailable: unsupported } : { runtime };
}

/** A session on onnxruntime-node's CPU execution provider. */
export function createOnnxruntimeNodeSession(
  runtime: OrtRuntime,
  model: ModelFiles,
  options: { numThreads?: number; logLevel: InferenceSession.LogLevel; reason: string },
): Promise<InferenceSession> {
  return createOnnxruntimeSession(
    runtime,
    model,
    {
      executionProviders: ['cpu'],
      logSeverityLevel: logSeverityLevel(options.logLevel),
      ...(options.numThreads !== undefined && { intraOpNumThreads: options.numThreads }),
    },
    { runtime: 'onnxruntime-node', device: 'cpu', reason: options.reason },
  );
}
