// pnpm bench:checkpoint-memory — peak memory of readCheckpoint on a
// full-size (BEiT-base-sized, ~345 MB) checkpoint, as model.safetensors and as pytorch_model.bin.
// The files are generated in the OS temp folder when missing (seeded values; never committed). Each
// format is read in a fresh Node process, which reports its peak RSS (VmHWM) over its RSS before reading.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { openModelRepo } from '../src/hub/open-model-repo.js';
import { packSafetensors } from '../src/testing/safetensors-file.js';
import { stateDictPickle, torchSaveZip, type PickledTensorSpec } from '../src/testing/torch-save-file.js';
import { readCheckpoint } from '../src/weights/read-checkpoint.js';

const ROOT = join(tmpdir(), 'retina-checkpoint-memory');
const HIDDEN = 768;
const LAYERS = 12;

/** BEiT-base's big matrices (what makes up nearly all of its 86M parameters), with seeded values. */
function tensors(): { name: string; shape: number[]; bytes: Uint8Array }[] {
  let state = 0x2545f491;
  const random = (count: number) => {
    const values = new Float32Array(count);
    for (let i = 0; i < count; i++) {
      state = (Math.imul(state, 1103515245) + 12345) >>> 0;
      values[i] = state / 2 ** 32 - 0.5;
    }
    return new Uint8Array(values.buffer);
  };
  const list = [{ name: 'embeddings.patch_embeddings.projection.weight', shape: [HIDDEN, 3, 16, 16] }];
  for (let layer = 0; layer < LAYERS; layer++) {
    const prefix = `encoder.layer.${layer}`;
    for (const part of ['attention.attention.query', 'attention.attention.key', 'attention.attention.value', 'attention.output.dense']) {
      list.push({ name: `${prefix}.${part}.weight`, shape: [HIDDEN, HIDDEN] });
    }
    list.push(
      { name: `${prefix}.intermediate.dense.weight`, shape: [4 * HIDDEN, HIDDEN] },
      { name: `${prefix}.output.dense.weight`, shape: [HIDDEN, 4 * HIDDEN] },
    );
  }
  return list.map(({ name, shape }) => ({ name, shape, bytes: random(shape.reduce((a, b) => a * b, 1)) }));
}

/** model.safetensors, and pytorch_model.bin (stored members) where each layer's query weight is a transposed view. */
function generate(): void {
  const all = tensors();
  mkdirSync(join(ROOT, 'safetensors'), { recursive: true });
  writeFileSync(
    join(ROOT, 'safetensors', 'model.safetensors'),
    packSafetensors(
      all.map((tensor) => ({ ...tensor, dtype: 'F32' })),
      { format: 'pt' },
    ),
  );
  const specs: PickledTensorSpec[] = all.map(({ name, shape }, i) => {
    const numel = shape.reduce((a, b) => a * b, 1);
    const storage = { type: 'FloatStorage', key: String(i), numel };
    const transposed = name.endsWith('query.weight');
    const stride = transposed ? [1, shape[0]!] : shape.map((_, axis) => shape.slice(axis + 1).reduce((a, b) => a * b, 1));
    return { name, storage, offset: 0, size: shape, stride };
  });
  mkdirSync(join(ROOT, 'bin'), { recursive: true });
  writeFileSync(
    join(ROOT, 'bin', 'pytorch_model.bin'),
    torchSaveZip(stateDictPickle(specs), Object.fromEntries(all.map(({ bytes }, i) => [String(i), bytes]))),
  );
}

function peakRss(): number {
  return Number(/VmHWM:\s+(\d+) kB/.exec(readFileSync('/proc/self/status', 'utf8'))![1]) * 1024;
}

async function measure(format: string): Promise<void> {
  const before = process.memoryUsage().rss;
  const started = performance.now();
  const checkpoint = await readCheckpoint(openModelRepo(join(ROOT, format)));
  const ms = performance.now() - started;
  const fileBytes = checkpoint.files.reduce((sum, file) => sum + file.bytes.byteLength, 0);
  const copied = [...checkpoint.tensors.values()]
    .filter((tensor) => tensor.fileOffset === undefined)
    .reduce((sum, tensor) => sum + tensor.data.byteLength, 0);
  const peak = peakRss() - before;
  const mb = (bytes: number) => `${(bytes / 2 ** 20).toFixed(1)} MB`;
  console.log(
    `${checkpoint.files.map((file) => file.name).join(', ')}: ${checkpoint.tensors.size} tensors in ${ms.toFixed(0)} ms; file ${mb(fileBytes)}, ` +
      `converted ${mb(copied)}; peak RSS over start ${mb(peak)} (${(peak / (fileBytes + copied)).toFixed(3)}x file + converted); ` +
      `arrayBuffers ${mb(process.memoryUsage().arrayBuffers)}`,
  );
}

const [mode] = process.argv.slice(2);
if (mode === 'safetensors' || mode === 'bin') {
  await measure(mode);
} else {
  if (!existsSync(join(ROOT, 'bin', 'pytorch_model.bin'))) generate();
  console.log(`checkpoint: ${(statSync(join(ROOT, 'safetensors', 'model.safetensors')).size / 2 ** 20).toFixed(1)} MB in ${ROOT}`);
  const script = fileURLToPath(import.meta.url);
  for (const format of ['safetensors', 'bin']) execFileSync('pnpm', ['exec', 'tsx', script, format], { stdio: 'inherit' });
}
