// `retina export`: a checkpoint's graph laid out for disk, with every weight in one external data file.
import { RetinaError } from '../errors.js';
import { openModelRepo, type HubOptions, type ModelRepo, type ReadFileOptions } from '../hub/index.js';
import type { GraphDtype } from '../graph/graph-builder.js';
import type { OnnxExternalData } from '../hub/read-onnx-model.js';
import { readCheckpoint } from '../weights/read-checkpoint.js';
import { readAutoConfig } from './auto/configuration-auto.js';
import { AutoModel } from './auto/modeling-auto.js';

export interface ExportGraphOptions extends HubOptions, ReadFileOptions {
  /** Default `fp32`; `q8` is the CPU provider's graph (DynamicQuantizeMatMul), as transformers.js's model_quantized.onnx. */
  dtype?: GraphDtype;
  /** See `maxBuildBytes` of the load options. */
  maxBuildBytes?: number;
}

/** The file `fromPretrained` (and transformers.js) reads for each dtype. */
const EXPORT_FILES: Readonly<Record<GraphDtype, string>> = {
  fp32: 'onnx/model.onnx',
  fp16: 'onnx/model_fp16.onnx',
  q8: 'onnx/model_quantized.onnx',
  q4: 'onnx/model_q4.onnx',
};

/** An ONNX graph built from a repo's config.json and checkpoint, laid out to be written to disk. */
export interface ExportedGraph {
  readonly architecture: string;
  /** `onnx/model.onnx` (fp32), `onnx/model_fp16.onnx`, `onnx/model_quantized.onnx` (q8) or `onnx/model_q4.onnx`. */
  readonly file: string;
  readonly graph: Uint8Array;
  /** One file beside the graph holding every weight, 64-byte aligned: `<file name>.data`. */
  readonly externalData: OnnxExternalData;
}

/**
 * Builds the graph of the architecture config.json names (else the bare model) from the checkpoint, with its
 * weights packed into one external data file, for `retina export` and other runtimes.
 */
export async function exportGraphFromWeights(source: string | ModelRepo, options: ExportGraphOptions = {}): Promise<ExportedGraph> {
  const repo = typeof source === 'string' ? openModelRepo(source, options) : source;
  const config = await readAutoConfig(repo, options);
  const head = AutoModel.modelClassFor(config);
  const { architecture, buildGraph } = head;
  if (!buildGraph) throw new RetinaError('UNSUPPORTED_MODEL', `Retina cannot build "${config.modelType}" graphs from weights yet.`);
  const dtype = options.dtype ?? 'fp32';
  if (!Object.hasOwn(EXPORT_FILES, dtype)) {
    throw new RetinaError('INVALID_ARGUMENT', `dtype must be one of ${Object.keys(EXPORT_FILES).join(', ')}; got ${String(dtype)}.`);
  }
  const file = EXPORT_FILES[dtype];
  const externalDataFile = `${file.slice('onnx/'.length)}.data`;
  const checkpoint = await readCheckpoint(repo, options);
  const { graph, externalData } = buildGraph(config, head, checkpoint, {
    dtype,
    externalDataFile,
    source: repo.location,
    maxBuildBytes: options.maxBuildBytes,
  });
  return { architecture, file, graph, externalData: externalData[0]! };
}
