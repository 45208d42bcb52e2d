// What the bench serves: the built @retina/worker, the bench page, and the cached test photo.
import { execSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { setTimeout } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { exportGraphFromWeights, openModelRepo } from '@retina/core';
import { build } from 'vite';
import { BENCH_MODELS } from './models.js';
import { encodeTestPhoto, PHOTO_HEIGHT, PHOTO_WIDTH } from './test-photo.js';

export const benchDir = dirname(fileURLToPath(import.meta.url));
export const repoRoot = join(benchDir, '..');
const cacheDir = join(benchDir, '.cache');
/** The full-size bench models: graphs, configs and weight manifests. */
export const BENCH_MODELS_DIR = process.env.RETINA_BENCH_MODELS ?? join(repoRoot, '..', 'shared', 'bench-models');

/** The folder of `name`'s config.json and preprocessor_config.json: the bench's own for a model the shared folder lacks. */
export function modelConfigDir(name: string): string {
  const own = BENCH_MODELS.find((model) => model.name === name)?.ownConfig;
  return own ? join(benchDir, 'model-configs', name) : join(BENCH_MODELS_DIR, name);
}

/** The latest modification time among `paths` and, for folders, every file under them (0 for a missing path). */
function newestChange(paths: readonly string[]): number {
  return Math.max(
    0,
    ...paths.map((path) => {
      if (!existsSync(path)) return 0;
      const info = statSync(path);
      return info.isDirectory() ? newestChange(readdirSync(path).map((entry) => join(path, entry))) : info.mtimeMs;
    }),
  );
}

/** Builds the workspace package `name` unless every one of `outputs` is newer than all of `inputs`. */
function buildUnlessFresh(name: string, outputs: readonly string[], inputs: readonly string[]): void {
  const built = Math.min(...outputs.map((output) => (existsSync(output) ? statSync(output).mtimeMs : 0)));
  if (built > newestChange(inputs)) return;
  execSync(`pnpm --filter ${name} build`, { cwd: repoRoot, stdio: 'inherit' });
}

/**
 * Builds what the bench serves from this checkout, where it is older than its sources (a fresh clone has
 * nothing built): @retina/core, whose declarations the worker's build checks its types against, then
 * @retina/worker. The bench's own Node code runs @retina/core from source.
 */
export function buildRetinaWorker(): void {
  const core = join(repoRoot, 'packages', 'core');
  const worker = join(repoRoot, 'packages', 'worker');
  const lockfile = join(repoRoot, 'pnpm-lock.yaml');
  const coreInputs = [join(core, 'src'), join(core, 'package.json'), join(core, 'tsconfig.build.json'), lockfile];
  buildUnlessFresh('@retina/core', [join(core, 'dist', 'index.js'), join(core, 'dist', 'index.d.ts')], coreInputs);
  const workerOutputs = ['retina.js', 'worker.js', 'index.d.ts'].map((file) => join(worker, 'dist', file));
  const workerInputs = [
    join(worker, 'src'),
    join(worker, 'package.json'),
    join(worker, 'vite.config.ts'),
    join(worker, 'vite.script.config.ts'),
  ];
  buildUnlessFresh('@retina/worker', workerOutputs, [...workerInputs, ...coreInputs]);
}

/**
 * A copy of packages/worker/dist that the bench serves: other builds of the worker (tests running
 * beside the bench) empty that folder while they run.
 */
export async function snapshotRetinaWorker(): Promise<string> {
  const dist = join(repoRoot, 'packages', 'worker', 'dist');
  const files = [
    'retina.js',
    'worker.js',
    'jpeg-turbo.wasm',
    'ort-wasm-simd-threaded.asyncify.mjs',
    'ort-wasm-simd-threaded.asyncify.wasm',
  ];
  const missing = () => files.filter((file) => !existsSync(join(dist, file)));
  // Another build may be halfway through: give it a minute.
  for (let waited = 0; missing().length > 0 && waited < 60; waited++) await setTimeout(1000);
  if (missing().length > 0) throw new Error(`packages/worker/dist lacks ${missing().join(', ')}: build it (drop --no-build) and run again`);
  const snapshot = join(cacheDir, 'worker');
  rmSync(snapshot, { recursive: true, force: true });
  mkdirSync(snapshot, { recursive: true });
  for (const file of files) cpSync(join(dist, file), join(snapshot, file));
  return snapshot;
}

/**
 * The bench models with their weights, in bench/.cache/bench-models: the shared folder ships graphs and
 * weight manifests only and is not the bench's to write, so each model's folder here links to the shared
 * files and holds the weights (model.onnx.data) that the shared materialize.mjs recreates once. A model
 * with its own configs gets the graph `retina export` writes for its seeded checkpoint in `checkpointsDir`
 * (model.onnx + model.onnx.data), exported once. Returns that root.
 */
export async function benchModelsWithWeights(names: readonly string[], checkpointsDir: string): Promise<string> {
  const root = join(cacheDir, 'bench-models');
  const shared = names.filter((name) => modelConfigDir(name) === join(BENCH_MODELS_DIR, name));
  for (const name of names) {
    const folder = join(root, name);
    mkdirSync(folder, { recursive: true });
    const source = shared.includes(name) ? join(BENCH_MODELS_DIR, name) : join(checkpointsDir, name);
    for (const file of readdirSync(source)) {
      if (file !== 'model.safetensors' && !existsSync(join(folder, file))) symlinkSync(join(source, file), join(folder, file));
    }
    if (!shared.includes(name) && !existsSync(join(folder, 'model.onnx'))) await exportGraph(join(checkpointsDir, name), folder);
  }
  // materialize.mjs skips the files already there, whole.
  if (shared.length > 0)
    execSync(`node ${join(BENCH_MODELS_DIR, 'materialize.mjs')} ${shared.map((name) => join(root, name)).join(' ')}`, { stdio: 'inherit' });
  return root;
}

/** What `retina export` writes for the checkpoint in `checkpoint`, the graph and its data file in `folder` itself. */
async function exportGraph(checkpoint: string, folder: string): Promise<void> {
  const started = performance.now();
  const { graph, externalData } = await exportGraphFromWeights(openModelRepo(checkpoint), {});
  writeFileSync(join(folder, externalData.path), externalData.data);
  writeFileSync(join(folder, 'model.onnx'), graph);
  console.log(`${folder}: exported model.onnx from the checkpoint in ${((performance.now() - started) / 1000).toFixed(1)} s`);
}

export async function buildBenchPage(): Promise<void> {
  await build({ configFile: join(benchDir, 'page', 'vite.config.ts') });
}

/** The test photo, generated once (it is deterministic) and kept in bench/.cache. */
export function testPhoto(): { folder: string; file: string; bytes: number; sha256: string; width: number; height: number } {
  const file = `photo-${PHOTO_WIDTH}x${PHOTO_HEIGHT}.png`;
  const path = join(cacheDir, file);
  if (!existsSync(path)) {
    mkdirSync(cacheDir, { recursive: true });
    writeFileSync(path, encodeTestPhoto());
  }
  const png = readFileSync(path);
  return {
    folder: cacheDir,
    file,
    bytes: png.length,
    sha256: createHash('sha256').update(png).digest('hex'),
    width: PHOTO_WIDTH,
    height: PHOTO_HEIGHT,
  };
}

/**
 * The model folders as transformers.js 4 reads them: it knows BEiT's processor only by its legacy name
 * BeitFeatureExtractor (the same class in Transformers), so a BEiT's preprocessor_config.json says that; the
 * graph and weights are links to the very same files the other contenders load, and `quantized(name)`, when
 * given, is the folder of its default dtype's model_quantized.onnx.
 */
export function transformersJsModels(benchModelsDir: string, names: readonly string[], quantized?: (name: string) => string): string {
  const root = join(cacheDir, 'transformers-js-models');
  rmSync(root, { recursive: true, force: true });
  for (const name of names) {
    const folder = join(root, name);
    mkdirSync(folder, { recursive: true });
    const processor = JSON.parse(readFileSync(join(benchModelsDir, name, 'preprocessor_config.json'), 'utf8')) as Record<string, unknown>;
    if (processor.image_processor_type === 'BeitImageProcessor') processor.image_processor_type = 'BeitFeatureExtractor';
    writeFileSync(join(folder, 'preprocessor_config.json'), JSON.stringify(processor, null, 2));
    for (const file of ['config.json', 'model.onnx', 'model.onnx.data']) symlinkSync(join(benchModelsDir, name, file), join(folder, file));
    if (quantized) symlinkSync(join(quantized(name), 'model_quantized.onnx'), join(folder, 'model_quantized.onnx'));
  }
  return root;
}
