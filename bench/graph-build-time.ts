// Graph build time from weights, measured in Node on the bench checkpoints: the builders are plain
// TypeScript on V8, as in the browser worker, where the pipeline reports no stage for it. The builders are
// internal to @retina/core, so this harness reaches them by path.
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { openModelRepo, readCheckpoint } from '@retina/core';
import { familyOf } from '../packages/core/src/models/model-families.js';
import { median } from './stats.js';

export interface GraphBuild {
  /** p50 of `runs` builds from the checkpoint already in memory. */
  buildMs: number;
  checkpointBytes: number;
}

export async function measureGraphBuild(folder: string, runs = 3): Promise<GraphBuild> {
  const repo = openModelRepo(folder);
  const json = (await repo.json('config.json')) as { model_type: string; architectures: string[] };
  const family = familyOf(json.model_type);
  if (!family?.buildGraph) throw new Error(`Retina builds no ${json.model_type} graph from weights yet`);
  const config = new family.configClass(json);
  const checkpoint = await readCheckpoint(repo);
  const times: number[] = [];
  for (let run = 0; run < runs; run++) {
    const start = performance.now();
    family.buildGraph(config, json.architectures[0]!, checkpoint, { dtype: 'fp32', source: folder });
    times.push(performance.now() - start);
  }
  return { buildMs: median(times), checkpointBytes: statSync(join(folder, 'model.safetensors')).size };
}
