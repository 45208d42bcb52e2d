// pnpm bench:load-memory [checkpoint folder] [--dtypes fp32,q8,q4] — peak memory of loading BEiT-base-224 (session
// creation and one run) in Node, from the built graph (config.json + model.safetensors) in each dtype and from the
// exported graph (bench-models/beit-base-patch16-224/model.onnx + model.onnx.data, fp32), on onnxruntime-node (cpu)
// and onnxruntime-web's WebAssembly backend (wasm, what the worker runs); and Retina's own share of the load from
// weights: reading the checkpoint and building the graph, up to the moment a runtime gets them. Each case runs in
// a fresh Node process and reports its peak RSS (VmHWM, reset after the imports) over its RSS before loading,
// ÷ the weights' size, and what stays resident once the load is done and JS has collected its garbage (the
// runtime's copy of the weights, and whatever else it keeps: the fixtures' tiny BEiT gives that baseline). The
// checkpoint is bench/make-checkpoints.ts's (made when missing) unless a folder is given.
import { execFileSync } from 'node:child_process';
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { openModelRepo } from '../src/hub/index.js';
import { AutoModelForImageClassification } from '../src/index.js';
import { readAutoConfig } from '../src/models/auto/configuration-auto.js';
import { AutoModel } from '../src/models/auto/modeling-auto.js';
import { modelFilesFromWeights } from '../src/models/graph-from-weights.js';
import type { InferenceSession } from '../src/session/inference-session.js';
import { Tensor } from '../src/tensor.js';
import { fixturePath } from '../src/testing/fixtures.js';

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

async function measureBuild(folder: string, dtype: InferenceSession.ModelDtype): Promise<void> {
  const weightBytes = statSync(join(folder, 'model.safetensors')).size;
  const before = startMeasuring();
  const repo = openModelRepo(folder, {});
  const config = await readAutoConfig(repo, {});
  const { architecture, buildGraph } = AutoModel.modelClassFor(config);
  const files = await modelFilesFromWeights(repo, config, architecture, buildGraph!, { dtype }, {});
  const peak = statusBytes('VmHWM') - before;
  const handed = files.externalData.reduce((sum, { data }) => sum + data.byteLength, 0);
  console.log(
    `${dtype} Retina's share (checkpoint read, graph built, no runtime): peak RSS over start ${mb(peak)} (${(peak / weightBytes).toFixed(2)}x ` +
      `the ${mb(weightBytes)} checkpoint); graph ${mb(files.graph.byteLength)}, external data handed over ${mb(handed)}`,
  );
}

async function measure(
  device: 'cpu' | 'wasm',
  source: 'weights' | 'onnx',
  folder: string,
  dtype: InferenceSession.ModelDtype,
): Promise<void> {
  const weightBytes =
    source === 'weights'
      ? statSync(join(folder, 'model.safetensors')).size
      : statSync(join(folder, 'model.onnx')).size + statSync(join(folder, 'model.onnx.data')).size;
  const before = startMeasuring();
  const started = performance.now();
  const model = await AutoModelForImageClassification.fromPretrained(folder, {
    device,
    source,
    dtype,
    ...(source === 'onnx' && { modelFile: 'model.onnx' }),
  });
  const loadMs = performance.now() - started;
  const loaded = statusBytes('VmHWM') - before;
  // BEiT graphs are fixed to image_size.
  const size = model.session.inputMetadata[0]!.dims[2] as number;
  await model.session.run({ pixel_values: new Tensor('float32', new Float32Array(3 * size * size), [1, 3, size, size]) });
  const peak = statusBytes('VmHWM') - before;
  // What JS still holds once the session has its copy (run with --expose-gc): the checkpoint's bytes should be
  // gone. Right after the load one collection does not free them yet (measured); a second, a task later, does.
  const gc = (globalThis as { gc?: () => void }).gc;
  gc?.();
  await new Promise((resolve) => setTimeout(resolve, 100));
  gc?.();
  const held = process.memoryUsage().arrayBuffers;
  const resident = statusBytes('VmRSS') - before;
  console.log(
    `${dtype} ${device} from ${source.padEnd(7)}: load ${loadMs.toFixed(0)} ms; peak RSS over start: load ${mb(loaded)}, load + run ${mb(peak)} ` +
      `(${(peak / weightBytes).toFixed(2)}x the ${mb(weightBytes)} of weights); resident after ${mb(resident)} ` +
      `(${(resident / weightBytes).toFixed(2)}x), ArrayBuffers held by JS after GC ${mb(held)}`,
  );
  await model.session.release();
}

const DTYPES: readonly InferenceSession.ModelDtype[] = ['fp32', 'fp16', 'q8', 'q4'];
const isDtype = (value: string | undefined): value is InferenceSession.ModelDtype => DTYPES.includes(value as InferenceSession.ModelDtype);

const [device, source, folder, dtype] = process.argv.slice(2);
if (device === 'build' && folder && isDtype(source)) {
  await measureBuild(folder, source);
} else if ((device === 'cpu' || device === 'wasm') && (source === 'weights' || source === 'onnx') && folder && isDtype(dtype)) {
  await measure(device, source, folder, dtype);
} else {
  const args = process.argv.slice(2);
  const dtypesAt = args.indexOf('--dtypes');
  const dtypes = dtypesAt >= 0 ? args.splice(dtypesAt, 2)[1]!.split(',') : ['fp32', 'q8'];
  if (!dtypes.every(isDtype)) throw new Error(`--dtypes takes ${DTYPES.join(', ')}; got ${dtypes.join(', ')}`);
  const { ensureCheckpoints } = await import('../../../bench/make-checkpoints.js');
  const { BENCH_MODELS_DIR, materializeWeights } = await import('../../../bench/prepare.js');
  materializeWeights(BENCH_MODELS_DIR, [MODEL]);
  const checkpoint = args[0] ?? join(ensureCheckpoints(BENCH_MODELS_DIR, [MODEL]), MODEL);
  const exported = join(BENCH_MODELS_DIR, MODEL);
  const script = fileURLToPath(import.meta.url);
  const child = (...childArgs: string[]) =>
    execFileSync('pnpm', ['exec', 'tsx', '--expose-gc', script, ...childArgs], { stdio: 'inherit' });
  // What a runtime keeps for itself whatever the model (its library, WebAssembly module and heap): the same load of
  // the fixtures' tiny BEiT, to subtract from "resident after" for the runtime's copy of the weights.
  const tiny = fixturePath('models', 'beit-cls');
  for (const buildDtype of dtypes) child('build', buildDtype, checkpoint);
  for (const runtime of ['cpu', 'wasm']) {
    for (const loadDtype of dtypes) child(runtime, 'weights', checkpoint, loadDtype);
    child(runtime, 'onnx', exported, 'fp32');
    child(runtime, 'weights', tiny, 'fp32');
  }
}
