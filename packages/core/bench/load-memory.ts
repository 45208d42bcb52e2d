// pnpm bench:load-memory [checkpoint folder] — peak memory of loading BEiT-base-224 (session creation and
// one run) in Node, from the built graph (config.json + model.safetensors) and from the exported graph
// (bench-models/beit-base-patch16-224/model.onnx + model.onnx.data), on onnxruntime-node (cpu) and
// onnxruntime-web's WebAssembly backend (wasm, what the worker runs); and Retina's own share of the load
// from weights: reading the checkpoint and building the graph, up to the moment a runtime gets them. Each
// case runs in a fresh Node process and reports its peak RSS (VmHWM, reset after the imports) over its RSS
// before loading, ÷ the weights' size. The checkpoint is bench/make-checkpoints.ts's (made when missing)
// unless a folder is given.
import { execFileSync } from 'node:child_process';
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { openModelRepo } from '../src/hub/index.js';
import { AutoModelForImageClassification } from '../src/index.js';
import { readAutoConfig } from '../src/models/auto/configuration-auto.js';
import { AutoModel } from '../src/models/auto/modeling-auto.js';
import { modelFilesFromWeights } from '../src/models/graph-from-weights.js';
import { Tensor } from '../src/tensor.js';

const MODEL = 'beit-base-patch16-224';
const mb = (bytes: number) => `${(bytes / 2 ** 20).toFixed(0)} MB`;

function statusBytes(field: 'VmHWM' | 'VmRSS'): number {
  return Number(new RegExp(`${field}:\\s+(\\d+) kB`).exec(readFileSync('/proc/self/status', 'utf8'))![1]) * 1024;
}

/** Resets the peak; returns the resident memory now. */
function startMeasuring(): number {
  writeFileSync('/proc/self/clear_refs', '5');
  return statusBytes('VmRSS');
}

async function measureBuild(folder: string): Promise<void> {
  const weightBytes = statSync(join(folder, 'model.safetensors')).size;
  const before = startMeasuring();
  const repo = openModelRepo(folder, {});
  const config = await readAutoConfig(repo, {});
  const { architecture, buildGraph } = AutoModel.modelClassFor(config);
  const files = await modelFilesFromWeights(repo, config, architecture, buildGraph!, { dtype: 'fp32' }, {});
  const peak = statusBytes('VmHWM') - before;
  const handed = files.externalData.reduce((sum, { data }) => sum + data.byteLength, 0);
  console.log(
    `Retina's share (checkpoint read, graph built, no runtime): peak RSS over start ${mb(peak)} (${(peak / weightBytes).toFixed(2)}x ` +
      `the ${mb(weightBytes)} checkpoint); graph ${mb(files.graph.byteLength)}, external data handed over ${mb(handed)}`,
  );
}

async function measure(device: 'cpu' | 'wasm', source: 'weights' | 'onnx', folder: string): Promise<void> {
  const weightBytes =
    source === 'weights'
      ? statSync(join(folder, 'model.safetensors')).size
      : statSync(join(folder, 'model.onnx')).size + statSync(join(folder, 'model.onnx.data')).size;
  const before = startMeasuring();
  const started = performance.now();
  const model = await AutoModelForImageClassification.fromPretrained(folder, {
    device,
    source,
    ...(source === 'onnx' && { modelFile: 'model.onnx' }),
  });
  const loadMs = performance.now() - started;
  const loaded = statusBytes('VmHWM') - before;
  await model.session.run({ pixel_values: new Tensor('float32', new Float32Array(3 * 224 * 224), [1, 3, 224, 224]) });
  const peak = statusBytes('VmHWM') - before;
  // What JS still holds once the session has its copy (run with --expose-gc): the checkpoint's bytes should be
  // gone. Right after the load one collection does not free them yet (measured); a second, a task later, does.
  const gc = (globalThis as { gc?: () => void }).gc;
  gc?.();
  await new Promise((resolve) => setTimeout(resolve, 100));
  gc?.();
  const held = process.memoryUsage().arrayBuffers;
  console.log(
    `${device} from ${source.padEnd(7)}: load ${loadMs.toFixed(0)} ms; peak RSS over start: load ${mb(loaded)}, load + run ${mb(peak)} ` +
      `(${(peak / weightBytes).toFixed(2)}x the ${mb(weightBytes)} of weights); RSS after ${mb(statusBytes('VmRSS') - before)}, ArrayBuffers held by JS after GC ${mb(held)}`,
  );
  await model.session.release();
}

const [device, source, folder] = process.argv.slice(2);
if (device === 'build' && folder) {
  await measureBuild(folder);
} else if ((device === 'cpu' || device === 'wasm') && (source === 'weights' || source === 'onnx') && folder) {
  await measure(device, source, folder);
} else {
  const { ensureCheckpoints } = await import('../../../bench/make-checkpoints.js');
  const { BENCH_MODELS_DIR, materializeWeights } = await import('../../../bench/prepare.js');
  materializeWeights(BENCH_MODELS_DIR, [MODEL]);
  const checkpoint = device ?? join(ensureCheckpoints(BENCH_MODELS_DIR, [MODEL]), MODEL);
  const exported = join(BENCH_MODELS_DIR, MODEL);
  const script = fileURLToPath(import.meta.url);
  const child = (...args: string[]) => execFileSync('pnpm', ['exec', 'tsx', '--expose-gc', script, ...args], { stdio: 'inherit' });
  child('build', '-', checkpoint);
  for (const runtime of ['cpu', 'wasm'])
    for (const [from, path] of [
      ['weights', checkpoint],
      ['onnx', exported],
    ] as const)
      child(runtime, from, path);
}
