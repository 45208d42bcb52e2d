// Loading without an ONNX file: the checkpoint is read, the family's builder makes the graph, and the
// graph goes to the runtime as bytes with the checkpoint's own buffers as external data.
import type { GraphBuilder } from '../graph/graph-builder.js';
import type { ModelRepo, ReadFileOptions } from '../hub/model-repo.js';
import type { ModelFiles } from '../session/onnxruntime-session.js';
import { readCheckpoint } from '../weights/read-checkpoint.js';
import type { PretrainedConfig } from './pretrained-config.js';

/** Builds `architecture`'s graph for `config` from the checkpoint in `repo`. */
export async function modelFilesFromWeights<C extends PretrainedConfig>(
  repo: ModelRepo,
  config: C,
  architecture: string,
  buildGraph: GraphBuilder<C>,
  dtype: 'fp32' | 'fp16',
  options: ReadFileOptions & { maxBuildBytes?: number },
): Promise<ModelFiles> {
  const checkpoint = await readCheckpoint(repo, options);
  const { maxBuildBytes } = options;
  const started = performance.now();
  const { graph, externalData } = buildGraph(config, architecture, checkpoint, { dtype, source: repo.location, maxBuildBytes });
  const file = `the graph built from ${checkpoint.files.map(({ name }) => name).join(', ')}`;
  return { file, location: repo.location, graph, externalData, buildMs: performance.now() - started };
}
