// Full-size checkpoints for the bench models: config.json and preprocessor_config.json from
// ../shared/bench-models (or the bench's own bench/model-configs), and a model.safetensors of seeded random values with the reference's parameter
// names and shapes, in bench/.cache/checkpoints (git-ignored). Made when missing; the same bytes every time.
// Run alone: `pnpm exec tsx bench/make-checkpoints.ts [model ...]`.
import { copyFileSync, existsSync, mkdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { referenceParameters, type ConfigJson } from './checkpoint-parameters.js';
import { checkpointBytes, writeCheckpoint } from './checkpoint-writer.js';
import { BENCH_MODELS } from './models.js';
import { benchDir, modelConfigDir } from './prepare.js';

const SEED = 20261201;

export const checkpointsDir = join(benchDir, '.cache', 'checkpoints');

/** Makes the checkpoint folder of each of `names` that lacks one (or has one of the wrong size); returns their root. */
export function ensureCheckpoints(names: readonly string[]): string {
  for (const name of names) {
    const folder = join(checkpointsDir, name);
    const target = join(folder, 'model.safetensors');
    const config = JSON.parse(readFileSync(join(modelConfigDir(name), 'config.json'), 'utf8')) as ConfigJson;
    const parameters = referenceParameters(config);
    const bytes = checkpointBytes(parameters);
    if (existsSync(target) && statSync(target).size === bytes) continue;
    mkdirSync(folder, { recursive: true });
    for (const file of ['config.json', 'preprocessor_config.json']) copyFileSync(join(modelConfigDir(name), file), join(folder, file));
    const started = performance.now();
    writeCheckpoint(target, parameters, SEED);
    console.log(
      `${name}: wrote model.safetensors, ${parameters.length} tensors, ${(bytes / 1e6).toFixed(0)} MB in ${((performance.now() - started) / 1000).toFixed(1)} s`,
    );
  }
  return checkpointsDir;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const names = process.argv.slice(2);
  ensureCheckpoints(names.length > 0 ? names : BENCH_MODELS.map((model) => model.name));
}
