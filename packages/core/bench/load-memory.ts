// pnpm bench:load-memory [checkpoint folder] — peak memory of loading BEiT-base-224 (session creation and
// one run) in Node, from the built graph (config.json + model.safetensors) and from the exported graph
// (../shared/bench-models/beit-base-patch16-224/model.onnx + model.onnx.data), on onnxruntime-node (cpu) and
// onnxruntime-web's WebAssembly backend (wasm, what the worker runs). Each case runs in a fresh Node process
// and reports its peak RSS (VmHWM, reset after the imports) over its RSS before loading, ÷ the weights' size.
// The checkpoint is bench/make-checkpoints.ts's (made when missing) unless a folder is given.
import { execFileSync } from 'node:child_process';
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { AutoModelForImageClassification } from '../src/index.js';
import { Tensor } from '../src/tensor.js';

const MODEL = 'beit-base-patch16-224';
const EXPORTED = fileURLToPath(new URL(`../../../../shared/bench-models/${MODEL}`, import.meta.url));

function statusBytes(field: 'VmHWM' | 'VmRSS'): number {
  return Number(new RegExp(`${field}:\\s+(\\d+) kB`).exec(readFileSync('/proc/self/status', 'utf8'))![1]) * 1024;
}

async function measure(device: 'cpu' | 'wasm', source: 'weights' | 'onnx', folder: string): Promise<void> {
  const weightBytes =
    source === 'weights'
      ? statSync(join(folder, 'model.safetensors')).size
      : statSync(join(folder, 'model.onnx')).size + statSync(join(folder, 'model.onnx.data')).size;
  writeFileSync('/proc/self/clear_refs', '5');
  const before = statusBytes('VmRSS');
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
  const mb = (bytes: number) => `${(bytes / 2 ** 20).toFixed(0)} MB`;
  console.log(
    `${device} from ${source.padEnd(7)}: load ${loadMs.toFixed(0)} ms; peak RSS over start: load ${mb(loaded)}, load + run ${mb(peak)} ` +
      `(${(peak / weightBytes).toFixed(2)}x the ${mb(weightBytes)} of weights); RSS after ${mb(statusBytes('VmRSS') - before)}, ArrayBuffers held by JS after GC ${mb(held)}`,
  );
  await model.session.release();
}

const [device, source, folder] = process.argv.slice(2);
if ((device === 'cpu' || device === 'wasm') && (source === 'weights' || source === 'onnx') && folder) {
  await measure(device, source, folder);
} else {
  const { ensureCheckpoints } = await import('../../../bench/make-checkpoints.js');
  const { BENCH_MODELS_DIR } = await import('../../../bench/prepare.js');
  const checkpoint = device ?? join(ensureCheckpoints(BENCH_MODELS_DIR, [MODEL]), MODEL);
  const script = fileURLToPath(import.meta.url);
  for (const runtime of ['cpu', 'wasm'])
    for (const [from, path] of [
      ['weights', checkpoint],
      ['onnx', EXPORTED],
    ] as const)
      execFileSync('pnpm', ['exec', 'tsx', '--expose-gc', script, runtime, from, path], { stdio: 'inherit' });
}
