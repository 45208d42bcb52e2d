// What q8 and q4 cost and gain on the full-size bench models, built from their seeded random checkpoints
// (bench/make-checkpoints.ts): per dtype, the graph build (Node, CPU time, the checkpoint already read), the
// external data handed to the runtime and the `retina export` files, p50 inference on onnxruntime-node and on
// onnxruntime-web's WebAssembly backend in Node (one thread each, CPU time, interleaved rounds), and on the bench
// photo (bench/test-photo.ts, through the model's own processor) the top-5 overlap with fp32 and the largest
// |logit - fp32 logit|. Usage: tsx packages/core/bench/quantized.bench.ts [model,...] [runs]
import { join } from 'node:path';
import * as ortNode from 'onnxruntime-node';
import * as ortWeb from 'onnxruntime-web';
import { ensureCheckpoints } from '../../../bench/make-checkpoints.js';
import { testPhoto } from '../../../bench/prepare.js';
import { openModelRepo } from '../src/hub/index.js';
import { AutoConfig } from '../src/models/auto/configuration-auto.js';
import { AutoImageProcessor } from '../src/models/auto/image-processing-auto.js';
import { AutoModel } from '../src/models/auto/modeling-auto.js';
import { exportGraphFromWeights } from '../src/models/export-graph.js';
import type { InferenceSession } from '../src/session/inference-session.js';
import { readCheckpoint } from '../src/weights/index.js';

const MODELS = ['beit-base-patch16-224', 'bit-50', 'vit-hybrid-base-bit-384'];
const DTYPES: readonly InferenceSession.ModelDtype[] = ['fp32', 'q8', 'q4'];
const SESSION_EXTRA = { 'optimization.disable_specified_optimizers': 'Pad_Fusion' };

const models = process.argv[2]?.split(',') ?? MODELS;
const runs = Number(process.argv[3] ?? 10);
const mib = (bytes: number) => `${(bytes / 2 ** 20).toFixed(1)} MiB`;
const cpuMs = (since: NodeJS.CpuUsage) => {
  const { user, system } = process.cpuUsage(since);
  return (user + system) / 1000;
};
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

function topK(logits: Float32Array, k: number): number[] {
  return [...logits.keys()].sort((a, b) => logits[b]! - logits[a]!).slice(0, k);
}

async function benchModel(name: string): Promise<void> {
  const folder = join(ensureCheckpoints([name]), name);
  const repo = openModelRepo(folder);
  const config = await AutoConfig.fromPretrained(repo);
  const head = AutoModel.modelClassFor(config);
  const processor = await AutoImageProcessor.fromPretrained(repo);
  const photo = testPhoto();
  const { pixelValues } = await processor.preprocess(join(photo.folder, photo.file));
  const checkpointBytes = (await readCheckpoint(repo)).files.reduce((sum, file) => sum + file.bytes.byteLength, 0);
  console.log(`${name}: checkpoint ${mib(checkpointBytes)}; photo as ${JSON.stringify(pixelValues.dims)}`);

  ortWeb.env.wasm.numThreads = 1;
  const sessions: { key: string; dtype: string; runtime: string; run: () => Promise<Float32Array> }[] = [];
  for (const dtype of DTYPES) {
    const checkpoint = await readCheckpoint(repo);
    const started = process.cpuUsage();
    const built = head.buildGraph!(config, head, checkpoint, { dtype });
    const buildMs = cpuMs(started);
    const handed = built.externalData.reduce((sum, { data }) => sum + data.byteLength, 0);
    const exported = await exportGraphFromWeights(repo, { dtype });
    const files = exported.graph.byteLength + exported.externalData.data.byteLength;
    console.log(
      `  ${dtype}: build ${buildMs.toFixed(0)} ms CPU; external data handed over ${mib(handed)} (${(handed / checkpointBytes).toFixed(2)}x); ` +
        `retina export: ${exported.file} + .data ${mib(files)} (${(files / checkpointBytes).toFixed(2)}x the checkpoint)`,
    );
    const options = { externalData: built.externalData, extra: SESSION_EXTRA };
    const node = await ortNode.InferenceSession.create(built.graph, { ...options, intraOpNumThreads: 1 });
    const web = await ortWeb.InferenceSession.create(built.graph, { ...options, executionProviders: ['wasm'] });
    const feed = <T>(Tensor: new (type: 'float32', data: Float32Array, dims: readonly number[]) => T) => ({
      pixel_values: new Tensor('float32', pixelValues.data, pixelValues.dims),
    });
    sessions.push(
      {
        key: `node ${dtype}`,
        dtype,
        runtime: 'onnxruntime-node',
        run: async () => (await node.run(feed(ortNode.Tensor))).logits!.data as Float32Array,
      },
      {
        key: `wasm ${dtype}`,
        dtype,
        runtime: 'onnxruntime-web wasm',
        run: async () => (await web.run(feed(ortWeb.Tensor))).logits!.data as Float32Array,
      },
    );
  }

  const times = new Map<string, number[]>();
  const logits = new Map<string, Float32Array>();
  for (let round = -1; round < runs; round++) {
    // Each round starts with the next session, so that no contender always runs right after the same one.
    const order = sessions.map((_, i) => sessions[(i + Math.max(round, 0)) % sessions.length]!);
    for (const { key, run } of order) {
      const started = process.cpuUsage();
      const output = await run();
      if (round < 0) logits.set(key, output);
      else times.set(key, [...(times.get(key) ?? []), cpuMs(started)]);
    }
  }
  for (const { key, dtype, runtime } of sessions) {
    const reference = logits.get(`${key.split(' ')[0]} fp32`)!;
    const output = logits.get(key)!;
    let maxDiff = 0;
    let largest = 0;
    for (let i = 0; i < reference.length; i++) {
      maxDiff = Math.max(maxDiff, Math.abs(output[i]! - reference[i]!));
      largest = Math.max(largest, Math.abs(reference[i]!));
    }
    const top5 = topK(reference, 5);
    const overlap = topK(output, 5).filter((label) => top5.includes(label)).length;
    const p50 = median(times.get(key)!);
    const fp32 = median(times.get(`${key.split(' ')[0]} fp32`)!);
    console.log(
      `  ${runtime.padEnd(20)} ${dtype.padEnd(4)} p50 ${p50.toFixed(0).padStart(5)} ms CPU (${(p50 / fp32).toFixed(2)}x fp32); ` +
        `photo: top-5 overlap ${overlap}/5, top-1 ${topK(output, 1)[0] === top5[0] ? 'same' : 'differs'}, ` +
        `max |logit - fp32| ${maxDiff.toExponential(2)} (largest |logit| ${largest.toFixed(2)})`,
    );
  }
}

for (const name of models) await benchModel(name);
