// onnxruntime-web 1.30 (Retina's version) used bare, with the session options Retina passes.
import * as ort from 'onnxruntime-web/webgpu';
import { FOLDED_CONSTANT_LIMIT_BYTES } from '../../packages/core/src/session/constant-folding.js';
import type { Backend } from '../../bench/models.js';

// Served from the root's onnxruntime-web/dist by the bench server: the same files Retina's worker ships.
ort.env.wasm.wasmPaths = '/ort/';

/** Retina's fixed session options (see packages/core/src/session/onnxruntime-session.ts). */
const RETINA_SESSION_EXTRA = {
  'optimization.disable_specified_optimizers': 'Pad_Fusion',
  'optimization.constant_folding_max_output_size_in_bytes': String(FOLDED_CONSTANT_LIMIT_BYTES),
};

export const ortVersion = ort.env.versions.web ?? 'unknown';

async function download(url: string): Promise<Uint8Array> {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`${url}: HTTP ${response.status}`);
  return new Uint8Array(await response.arrayBuffer());
}

export interface LoadedSession {
  session: ort.InferenceSession;
  fetchMs: number;
  createSessionMs: number;
  modelBytes: number;
}

/** Downloads the graph (and its external data, when `dataFile` is given) and creates the session. */
export async function loadSession(
  folderUrl: string,
  graphFile: string,
  dataFile: string | undefined,
  backend: Backend,
): Promise<LoadedSession> {
  const fetchStart = performance.now();
  const [graph, data] = await Promise.all([download(folderUrl + graphFile), dataFile ? download(folderUrl + dataFile) : undefined]);
  const fetchMs = performance.now() - fetchStart;
  const createStart = performance.now();
  const session = await ort.InferenceSession.create(graph, {
    executionProviders: [backend],
    externalData: data && dataFile ? [{ path: dataFile, data }] : [],
    extra: RETINA_SESSION_EXTRA,
  });
  return { session, fetchMs, createSessionMs: performance.now() - createStart, modelBytes: graph.byteLength + (data?.byteLength ?? 0) };
}

export function pixelTensor(data: Float32Array, dims: readonly number[]): ort.Tensor {
  return new ort.Tensor('float32', data, dims);
}
