import type { ModelRepo, ReadFileOptions } from './model-repo.js';

/** External weights of an ONNX graph, as onnxruntime's `externalData` session option takes them. */
export interface OnnxExternalData {
  /** The file name the graph refers to, relative to the graph's folder (e.g. `model.onnx.data`). */
  path: string;
  data: Uint8Array;
}

export interface OnnxModelFiles {
  model: Uint8Array;
  /** Present when the repo holds `<file>.data` (or Optimum's `<file>_data`) beside the graph. */
  externalData?: OnnxExternalData[];
}

const EXTERNAL_DATA_SUFFIXES = ['.data', '_data'];

/**
 * Reads an ONNX graph (default `onnx/model.onnx`) and its external weights file if the repo has
 * one, downloading both at once. Progress events name each file.
 */
export async function readOnnxModel(
  repo: ModelRepo,
  file = 'onnx/model.onnx',
  options: ReadFileOptions = {},
): Promise<OnnxModelFiles> {
  const [model, externalData] = await Promise.all([repo.bytes(file, options), readExternalData(repo, file, options)]);
  return externalData ? { model, externalData: [externalData] } : { model };
}

async function readExternalData(repo: ModelRepo, file: string, options: ReadFileOptions): Promise<OnnxExternalData | undefined> {
  const candidates = EXTERNAL_DATA_SUFFIXES.map((suffix) => `${file}${suffix}`);
  const present = await Promise.all(candidates.map((candidate) => repo.exists(candidate, { signal: options.signal })));
  const dataFile = candidates.find((_, index) => present[index]);
  if (dataFile === undefined) return undefined;
  return { path: dataFile.slice(dataFile.lastIndexOf('/') + 1), data: await repo.bytes(dataFile, options) };
}
