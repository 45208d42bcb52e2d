// Loading without an ONNX file: the checkpoint is read, the family's builder makes the graph, and the
// graph goes to the runtime as bytes with the checkpoint's own buffers as external data.
import type { GraphBuilder, GraphBuildOptions, GraphHead } from '../graph/graph-builder.js';
import type { ModelRepo, ReadFileOptions } from '../hub/model-repo.js';
import type { ModelFiles } from '../session/onnxruntime-session.js';
import { readCheckpoint } from '../weights/read-checkpoint.js';
import type { PretrainedConfig } from './pretrained-config.js';

/**
 * Builds `head`'s graph for `config` from the checkpoint in `repo`, as `build` says (dtype, provider).
 * Nothing here keeps the checkpoint: once the graph is built, what it does not hand over (the whole checkpoint
 * for quantized builds, which copy what they keep) can be collected while the runtime creates the session.
 */
export async function modelFilesFromWeights<C extends PretrainedConfig>(
  repo: ModelRepo,
  config: C,
  head: GraphHead,
  buildGraph: GraphBuilder<C>,
  build: Pick<GraphBuildOptions, 'dtype' | 'provider' | 'maxBuildBytes'>,
  options: ReadFileOptions,
): Promise<ModelFiles> {
  const checkpoint = await readCheckpoint(repo, options);
  const started = performance.now();
  const { graph, externalData } = buildGraph(config, head, checkpoint, { ...build, source: repo.location });
  const file = `the graph built from ${checkpoint.files.map(({ name }) => name).join(', ')}`;
  return { file, location: repo.location, graph, externalData, buildMs: performance.now() - started };
}
