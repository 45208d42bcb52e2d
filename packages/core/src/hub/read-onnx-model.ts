import type { OnnxExternalData } from '../onnx/onnx-external-data.js';
import { checkOnnxModel } from '../onnx/check-onnx-model.js';
import type { ModelRepo, ReadFileOptions } from './model-repo.js';
import { externalDataLocations } from '../onnx/onnx-external-data.js';

/** External weights of an ONNX graph, as onnxruntime's `externalData` session option takes them. */
export type { OnnxExternalData } from '../onnx/onnx-external-data.js';

export interface OnnxModelFiles {
  model: Uint8Array;
  /** Present when the graph keeps weights in external files: every file it names. */
  externalData?: OnnxExternalData[];
}

/**
 * Reads an ONNX graph (default `onnx/model.onnx`), checks it (check-onnx-model.ts), then reads the
 * external weight files its tensors name, from beside it, as onnxruntime looks them up. Nothing else is
 * requested. Progress events name each file.
 */
export async function readOnnxModel(repo: ModelRepo, file = 'onnx/model.onnx', options: ReadFileOptions = {}): Promise<OnnxModelFiles> {
  return readOnnxExternalData(repo, file, await repo.bytes(file, options), options);
}

/** Checks `model` (read from `file`; check-onnx-model.ts), then reads the external weight files it names from beside it. */
export async function readOnnxExternalData(
  repo: ModelRepo,
  file: string,
  model: Uint8Array,
  options: ReadFileOptions = {},
): Promise<OnnxModelFiles> {
  checkOnnxModel(model, file, repo.location);
  const locations = externalDataLocations(model);
  if (locations.length === 0) return { model };
  const externalData = await Promise.all(
    locations.map(async (path) => ({ path, data: await repo.bytes(besideGraph(file, path), options) })),
  );
  return { model, externalData };
}

/** The repo file of an external-data `path` the graph `file` names: relative to the graph's folder. */
export function besideGraph(file: string, path: string): string {
  return file.slice(0, file.lastIndexOf('/') + 1) + path;
}
