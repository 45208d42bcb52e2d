// pnpm bench: Retina (from the exported graph and from the checkpoint), the bare-onnxruntime floor and
// transformers.js side by side in headless Chromium, on the full-size models of ../shared/bench-models.
// Writes bench/results/<date>.{json,md}.
import { chromium } from '@playwright/test';
import { mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { cpus, loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../e2e/support/chromium.js';
import { parseBenchOptions } from './cli-options.js';
import { measureGraphBuild } from './graph-build-time.js';
import { ensureCheckpoints } from './make-checkpoints.js';
import type { Backend, BenchModel } from './models.js';
import {
  RETINA_LOADS,
  RETINA_WORKER_FOLDERS,
  type ContenderRequest,
  type RetinaKind,
  type ScenarioRequest,
  type TinyModel,
} from './page/protocol.js';
import {
  benchDir,
  benchModelsWithWeights,
  buildBenchPage,
  buildRetinaWorker,
  repoRoot,
  snapshotRetinaWorker,
  testPhoto,
  transformersJsModels,
} from './prepare.js';
import { formatRatios, formatReport } from './report.js';
import type { AloneLoad, BenchResults, RoundsResults, ScenarioResults } from './results.js';
import { peakRise, rendererPids, resetPeaks } from './process-memory.js';
import { pageCall, runRounds } from './rounds.js';
import { startStaticServer } from './static-server.js';
import { ensureTransformersJsQ8 } from './transformers-js-q8.js';

const FIXTURES_DIR = process.env.RETINA_FIXTURES ?? join(repoRoot, '..', 'shared', 'fixtures');
const BENCH_CHROMIUM_ARGS = [
  ...CHROMIUM_ARGS,
  '--enable-unsafe-webgpu',
  // measureUserAgentSpecificMemory without its randomised delay of up to 20 s.
  '--enable-blink-features=ForceEagerMeasureMemory',
];

/** The dist folder of `name` as `from` resolves it (its Node entry lives there). */
function packageDist(name: string, from: string): string {
  return dirname(createRequire(from).resolve(name));
}

const options = parseBenchOptions(process.argv.slice(2));
const started = performance.now();
const checkpointsDir = ensureCheckpoints(options.models.map((model) => model.name));
const modelsDir = await benchModelsWithWeights(
  options.models.map((model) => model.name),
  checkpointsDir,
);
if (options.build) buildRetinaWorker();
const retinaWorkerDir = await snapshotRetinaWorker();
await buildBenchPage();
const photo = testPhoto();
const rootPackage = join(repoRoot, 'package.json');
const { origin, server } = await startStaticServer({
  '/bench/': join(benchDir, 'dist'),
  ...Object.fromEntries(Object.values(RETINA_WORKER_FOLDERS).map((folder) => [`/${folder}/`, retinaWorkerDir])),
  '/checkpoints/': checkpointsDir,
  '/models/': modelsDir,
  '/transformers-js-models/': transformersJsModels(
    modelsDir,
    options.models.filter((m) => m.transformersJs).map((m) => m.name),
    options.contenders.includes('transformersJsQ8') ? (name) => ensureTransformersJsQ8(modelsDir, name) : undefined,
  ),
  '/fixtures/': FIXTURES_DIR,
  '/input/': photo.folder,
  '/ort/': packageDist('onnxruntime-web', rootPackage),
  '/ort-tfjs/': packageDist('onnxruntime-web', createRequire(rootPackage).resolve('@huggingface/transformers')),
});

const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: BENCH_CHROMIUM_ARGS });
const browserSession = await browser.newBrowserCDPSession();
const page = await browser.newPage();
page.on('console', (message) => {
  if (message.type() === 'error') console.error(`  [page] ${message.text()}`);
});
const call = pageCall(page);

/** A fresh page per scenario: the previous scenario's workers are gone with it. */
async function openBenchPage(): Promise<void> {
  await page.goto(`${origin}/bench/index.html`);
  await page.waitForFunction(() => (globalThis as { benchReady?: boolean }).benchReady === true);
}

/** The fixtures' tiny BiT, which takes any size: the round trip's model, and what starts a runtime. */
const TINY_MODEL: TinyModel = { modelUrl: `${origin}/fixtures/models/bit-preact-cls/`, modelFile: 'onnx/model.onnx' };

/**
 * Loads one Retina contender in a browser context of its own, so in a renderer process of its own that
 * holds nothing else (no other contender, no garbage of theirs). Its worker first starts its runtime on the
 * tiny graph; the pipeline load then gets a peak of its own, over the memory the started runtime holds.
 */
async function measureAlone(kind: RetinaKind, scenario: ScenarioRequest): Promise<AloneLoad | { error: string }> {
  const before = new Set(await rendererPids(browserSession));
  const context = await browser.newContext();
  try {
    const alonePage = await context.newPage();
    await alonePage.goto(`${origin}/bench/index.html`);
    await alonePage.waitForFunction(() => (globalThis as { benchReady?: boolean }).benchReady === true);
    const pids = (await rendererPids(browserSession)).filter((pid) => !before.has(pid));
    const aloneCall = pageCall(alonePage);
    const fresh = resetPeaks(pids);
    await aloneCall('startAlone', kind, scenario.backend, TINY_MODEL);
    const started = peakRise(fresh);
    const baselines = resetPeaks(pids);
    const { coldStartMs } = await aloneCall('openAlone', scenario);
    const loaded = peakRise(baselines);
    const memory = await aloneCall('memory');
    const workerBytes = memory && Object.entries(memory).find(([url]) => url.includes(`/${RETINA_WORKER_FOLDERS[kind]}/worker.js`))?.[1];
    await aloneCall('runAlone', scenario);
    const ran = peakRise(baselines);
    const rise = (peak: { peakBytes: number; baselineBytes: number }) =>
      `${((peak.peakBytes - peak.baselineBytes) / 2 ** 20).toFixed(0)} MB`;
    console.log(`  ${kind.padEnd(16)} alone: runtime start ${rise(started)}, then the load ${rise(loaded)}`);
    return {
      runtimeStartBytes: started.peakBytes - started.baselineBytes,
      coldStartMs: coldStartMs as number,
      baselineBytes: loaded.baselineBytes,
      loadPeakBytes: loaded.peakBytes,
      // The kernel's high-water mark can miss memory given back between two readings (an after-run reading
      // came out below the after-load one on WebGPU), so the run's peak is at least the load's.
      runPeakBytes: Math.max(loaded.peakBytes, ran.peakBytes),
      workerBytesAfterLoad: workerBytes,
    };
  } catch (error) {
    return { error: error instanceof Error ? error.message.split('\n')[0]! : String(error) };
  } finally {
    await context.close();
  }
}

/** Reads the model's files once, so that the contender loading first does not pay for a cold disk. */
function warmFileCache(model: BenchModel): void {
  for (const file of ['model.onnx', 'model.onnx.data']) readFileSync(join(modelsDir, model.name, file));
  readFileSync(join(checkpointsDir, model.name, 'model.safetensors'));
}

async function measureScenario(model: BenchModel, backend: Backend): Promise<ScenarioResults> {
  console.log(`${model.name} on ${backend}`);
  warmFileCache(model);
  const scenario: ScenarioRequest = {
    model,
    backend,
    modelUrl: `${origin}/models/${model.name}/`,
    checkpointUrl: `${origin}/checkpoints/${model.name}/`,
    photoUrl: `${origin}/input/${photo.file}`,
    slowRunMs: options.policy.slowRunMs,
    warmUpMs: options.policy.warmUpMs,
  };
  const requests: ContenderRequest[] = options.contenders
    .filter((kind) => model.transformersJs || !kind.startsWith('transformersJs'))
    .map((kind) => ({ kind, scenario }));
  const checkpoint = join(checkpointsDir, model.name);
  const graphBuild = await measureGraphBuild(checkpoint, 'fp32').catch((error: Error) => {
    console.error(`  graph build failed: ${error.message}`);
    return undefined;
  });
  let rounds: RoundsResults = { rounds: 0, reduced: false, contenders: {} };
  if (!options.memoryOnly) {
    await openBenchPage();
    rounds = await runRounds(page, browserSession, requests, options.policy);
    await page.goto('about:blank');
  }
  const alone: ScenarioResults['alone'] = {};
  for (const kind of options.contenders.filter((kind): kind is RetinaKind => kind in RETINA_LOADS))
    alone[kind] = await measureAlone(kind, scenario);
  // A quantized build is timed once the worker has loaded that dtype: before that the builder knows no such dtype.
  const quantizedBuilds: ScenarioResults['quantizedBuilds'] = {};
  for (const kind of ['retinaWeightsQ8', 'retinaWeightsQ4'] as const) {
    const loaded = (rounds.contenders[kind] && !('error' in rounds.contenders[kind])) || (alone[kind] && !('error' in alone[kind]));
    const { dtype } = RETINA_LOADS[kind];
    if (loaded) quantizedBuilds[dtype as 'q8' | 'q4'] = await measureGraphBuild(checkpoint, dtype);
  }
  const exportedBytes = ['model.onnx', 'model.onnx.data'].reduce((sum, file) => sum + statSync(join(modelsDir, model.name, file)).size, 0);
  return { model, backend, graphBuild, quantizedBuilds, exportedBytes, alone, ...rounds };
}

async function measureRoundTrip(backend: Backend): Promise<RoundsResults> {
  console.log(`worker round trip on ${backend}`);
  const roundTrip = {
    backend,
    ...TINY_MODEL,
    size: 224,
    slowRunMs: options.policy.slowRunMs,
    warmUpMs: options.policy.warmUpMs,
  };
  await openBenchPage();
  const requests: ContenderRequest[] = [
    { kind: 'floorRoundTrip', roundTrip },
    { kind: 'retinaRoundTrip', roundTrip },
  ];
  return runRounds(page, browserSession, requests, { ...options.policy, runs: Math.max(options.policy.runs, 50) });
}

try {
  await openBenchPage();
  const results: BenchResults = {
    date: new Date().toISOString(),
    environment: {
      chromium: browser.version(),
      cpus: cpus().length,
      loadAverage: loadavg(),
      webgpuAdapter: await call('adapter'),
      photo: {
        format: 'PNG, 8-bit RGB, generated by bench/test-photo.ts',
        width: photo.width,
        height: photo.height,
        bytes: photo.bytes,
        sha256: photo.sha256,
      },
      policy: options.policy,
    },
    scenarios: [],
    roundTrip: {},
  };
  for (const backend of options.backends) {
    if (!options.memoryOnly) results.roundTrip[backend] = await measureRoundTrip(backend);
    for (const model of options.models) results.scenarios.push(await measureScenario(model, backend));
  }
  const resultsDir = join(benchDir, 'results');
  mkdirSync(resultsDir, { recursive: true });
  const stem = join(resultsDir, results.date.replace(/[:.]/g, '-'));
  writeFileSync(`${stem}.json`, JSON.stringify(results, null, 2) + '\n');
  writeFileSync(`${stem}.md`, formatReport(results));
  console.log(`\n${formatRatios(results)}`);
  console.log(`\nWrote ${stem}.json and .md in ${((performance.now() - started) / 60_000).toFixed(1)} min.`);
} finally {
  await browser.close();
  server.close();
}
