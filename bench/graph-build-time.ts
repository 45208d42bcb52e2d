// Graph build time from weights, measured in Node on the bench checkpoints: the builders are plain
// TypeScript on V8, as in the browser worker, where the pipeline reports no stage for it.
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { AutoConfig, AutoModel, openModelRepo, readCheckpoint } from '@retina/core';
import { median } from './stats.js';

export interface GraphBuild {
  /** p50 of `runs` builds from the checkpoint already in memory. */
  buildMs: number;
  checkpointBytes: number;
}

/** Builds from the checkpoint in `folder` at `dtype` (fp32, or a quantized one the builder makes). */
export async function measureGraphBuild(folder: string, dtype: 'fp32' | 'q8' | 'q4', runs = 3): Promise<GraphBuild> {
  const repo = openModelRepo(folder);
  const config = await AutoConfig.fromPretrained(repo);
  const head = AutoModel.modelClassFor(config);
  const { buildGraph } = head;
  if (!buildGraph) throw new Error(`Retina builds no ${config.modelType} graph from weights yet`);
  const checkpoint = await readCheckpoint(repo);
  const times: number[] = [];
  for (let run = 0; run < runs; run++) {
    const start = performance.now();
    buildGraph(config, head, checkpoint, { dtype, source: folder });
    times.push(performance.now() - start);
  }
  return { buildMs: median(times), checkpointBytes: statSync(join(folder, 'model.safetensors')).size };
}
