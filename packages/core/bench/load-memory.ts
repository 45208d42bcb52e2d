// pnpm bench:load-memory [-- options] — peak memory of loading a bench model (session creation and one run)
// in Node, from the built graph (config.json + model.safetensors) and from the exported graph
// (bench-models/<model>/model.onnx + model.onnx.data), on onnxruntime-node (cpu) and onnxruntime-web's
// WebAssembly backend (wasm, what the worker runs); and Retina's own share of the load from weights:
// reading the checkpoint and building the graph, up to the moment a runtime gets them. Each case runs in a
// fresh Node process and reports its peak RSS (VmHWM, reset after the imports) over its RSS before loading,
// ÷ the weights' size, and what stays resident once the load is done and JS has collected its garbage (the
// runtime's copy of the weights, and whatever else it keeps: the fixtures' tiny BEiT gives that baseline). The
// checkpoint is bench/make-checkpoints.ts's (made when missing) unless one is given.
import { execFileSync } from 'node:child_process';
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { openModelRepo } from '../src/hub/index.js';
import { readAutoConfig } from '../src/models/auto/configuration-auto.js';
import { AutoModel } from '../src/models/auto/modeling-auto.js';
import { modelFilesFromWeights } from '../src/models/graph-from-weights.js';
import type { InferenceSession } from '../src/session/inference-session.js';
import { Tensor } from '../src/tensor.js';
import { fixturePath } from '../src/testing/fixtures.js';

const USAGE = `pnpm bench:load-memory [-- options]
  --model NAME         a bench model (default beit-base-patch16-224)
  --checkpoint FOLDER  config.json + model.safetensors to load instead of the bench's seeded checkpoint
  --dtypes a,b         fp32 (default), fp16, q8, q4: graphs built from weights only
  --runtimes a,b       cpu (onnxruntime-node), wasm (onnxruntime-web in Node); default both
  --sources a,b        weights, onnx (the exported graph, fp32 only); default both for fp32, weights otherwise`;

type Dtype = InferenceSession.ModelDtype;
type Runtime = 'cpu' | 'wasm';
type Source = 'weights' | 'onnx';

const mb = (bytes: number) => `${(bytes / 2 ** 20).toFixed(0)} MB`;

function statusBytes(field: 'VmHWM' | 'VmRSS'): number {
  return Number(new RegExp(`${field}:\\s+(\\d+) kB`).exec(readFileSync('/proc/self/status', 'utf8'))![1]) * 1024;
}

/** Resets the peak; returns the resident memory now. */
function startMeasuring(): number {
  writeFileSync('/proc/self/clear_refs', '5');
  return statusBytes('VmRSS');
}

async function measureBuild(folder: string, dtype: Dtype): Promise<void> {
  const weightBytes = statSync(join(folder, 'model.safetensors')).size;
  const before = startMeasuring();
  const repo = openModelRepo(folder, {});
  const config = await readAutoConfig(repo, {});
  const head = AutoModel.modelClassFor(config);
  const files = await modelFilesFromWeights(repo, config, head, head.buildGraph!, { dtype }, {});
  const peak = statusBytes('VmHWM') - before;
  const handed = files.externalData.reduce((sum, { data }) => sum + data.byteLength, 0);
  console.log(
    `Retina's share (checkpoint read, ${dtype} graph built, no runtime): peak RSS over start ${mb(peak)} (${(peak / weightBytes).toFixed(2)}x ` +
      `the ${mb(weightBytes)} checkpoint); graph ${mb(files.graph.byteLength)}, external data handed over ${mb(handed)}`,
  );
}

async function measure(runtime: Runtime, source: Source, folder: string, dtype: Dtype): Promise<void> {
  const weightBytes =
    source === 'weights'
      ? statSync(join(folder, 'model.safetensors')).size
      : statSync(join(folder, 'model.onnx')).size + statSync(join(folder, 'model.onnx.data')).size;
  const size = (JSON.parse(readFileSync(join(folder, 'config.json'), 'utf8')) as { image_size?: number }).image_size ?? 224;
  const before = startMeasuring();
  const started = performance.now();
  const model = await AutoModel.fromPretrained(folder, {
    device: runtime,
    source,
    dtype,
    ...(source === 'onnx' && { modelFile: 'model.onnx' }),
  });
  const loadMs = performance.now() - started;
  const loaded = statusBytes('VmHWM') - before;
  const pixels = new Tensor('float32', new Float32Array(3 * size * size), [1, 3, size, size]);
  const runStarted = performance.now();
  await model.session.run({ pixel_values: pixels });
  const runMs = performance.now() - runStarted;
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
    `${runtime} ${dtype} from ${source.padEnd(7)}: load ${loadMs.toFixed(0)} ms, first run ${runMs.toFixed(0)} ms; peak RSS over start: ` +
      `load ${mb(loaded)}, load + run ${mb(peak)} (${(peak / weightBytes).toFixed(2)}x the ${mb(weightBytes)} of weights); ` +
      `resident after ${mb(resident)} (${(resident / weightBytes).toFixed(2)}x), ArrayBuffers held by JS after GC ${mb(held)}`,
  );
  await model.session.dispose();
}

function parse(args: readonly string[]) {
  const options = { model: 'beit-base-patch16-224', checkpoint: undefined as string | undefined };
  let dtypes: Dtype[] = ['fp32'];
  let runtimes: Runtime[] = ['cpu', 'wasm'];
  let sources: Source[] | undefined;
  const value = (i: number) => {
    if (args[i] === undefined) throw new Error(`${args[i - 1]} needs a value\n${USAGE}`);
    return args[i];
  };
  for (let i = 0; i < args.length; i++) {
    const flag = args[i];
    if (flag === '--') continue;
    if (flag === '--model') options.model = value(++i);
    else if (flag === '--checkpoint') options.checkpoint = value(++i);
    else if (flag === '--dtypes') dtypes = value(++i).split(',') as Dtype[];
    else if (flag === '--runtimes') runtimes = value(++i).split(',') as Runtime[];
    else if (flag === '--sources') sources = value(++i).split(',') as Source[];
    else throw new Error(`unknown option ${flag}\n${USAGE}`);
  }
  return { ...options, dtypes, runtimes, sources: sources ?? ['weights', 'onnx'] };
}

const [mode, ...rest] = process.argv.slice(2);
if (mode === 'child-build') {
  await measureBuild(rest[0]!, rest[1] as Dtype);
} else if (mode === 'child') {
  await measure(rest[0] as Runtime, rest[1] as Source, rest[2]!, rest[3] as Dtype);
} else {
  const options = parse(process.argv.slice(2));
  const { ensureCheckpoints } = await import('../../../bench/make-checkpoints.js');
  const { benchModelsWithWeights } = await import('../../../bench/prepare.js');
  const checkpoints = () => ensureCheckpoints([options.model]);
  const checkpoint = options.checkpoint ?? join(checkpoints(), options.model);
  const exported = options.sources.includes('onnx')
    ? join(await benchModelsWithWeights([options.model], checkpoints()), options.model)
    : '';
  const script = fileURLToPath(import.meta.url);
  const child = (...args: string[]) => execFileSync('pnpm', ['exec', 'tsx', '--expose-gc', script, ...args], { stdio: 'inherit' });
  console.log(`${options.model} (${checkpoint})`);
  // What a runtime keeps for itself whatever the model (its library, WebAssembly module and heap): the same load of
  // the fixtures' tiny BEiT, to subtract from "resident after" for the runtime's copy of the weights.
  const tiny = fixturePath('models', 'beit-cls');
  if (options.sources.includes('weights')) for (const dtype of options.dtypes) child('child-build', checkpoint, dtype);
  for (const runtime of options.runtimes) {
    if (options.sources.includes('weights')) for (const dtype of options.dtypes) child('child', runtime, 'weights', checkpoint, dtype);
    // The exported graph is float32 only.
    if (options.sources.includes('onnx')) child('child', runtime, 'onnx', exported, 'fp32');
    child('child', runtime, 'weights', tiny, 'fp32');
  }
}
