// p50 inference of the graph Retina builds from a random-weight checkpoint against the exported
// model.onnx of the same bench model, on onnxruntime-node (CPU) and onnxruntime-web (WASM) in Node,
// one thread each, interleaved. It counts the process's CPU time per run, not wall time: on a shared
// machine that is what stays comparable. Usage: tsx packages/core/bench/beit-graph.bench.ts [model] [runs]
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as ortNode from 'onnxruntime-node';
import * as ortWeb from 'onnxruntime-web';
import { openModelRepo } from '../src/hub/index.js';
import { AutoConfig } from '../src/models/auto/configuration-auto.js';
import type { BeitConfig } from '../src/models/beit/configuration-beit.js';
import { buildGraphFor } from '../src/testing/build-graph.js';
import { readCheckpoint } from '../src/weights/index.js';
import { ensureCheckpoints } from '../../../bench/make-checkpoints.js';
import { benchModelsWithWeights } from '../../../bench/prepare.js';

const name = process.argv[2] ?? 'beit-base-patch16-224';
const runs = Number(process.argv[3] ?? 20);

async function main(): Promise<void> {
  const checkpointsDir = ensureCheckpoints([name]);
  const checkpointDir = join(checkpointsDir, name);
  const repo = openModelRepo(checkpointDir);
  const config = (await AutoConfig.fromPretrained(repo)) as BeitConfig;
  const started = performance.now();
  const checkpoint = await readCheckpoint(repo);
  const read = performance.now();
  const built = buildGraphFor(config, checkpoint, { dtype: 'fp32' });
  console.log(`${name}: checkpoint read in ${(read - started).toFixed(0)} ms, graph built in ${(performance.now() - read).toFixed(0)} ms`);

  const size = config.imageSize;
  const pixels = new Float32Array(3 * size * size).map((_, i) => Math.sin(i));
  const exported = join(await benchModelsWithWeights([name], checkpointsDir), name, 'model.onnx');
  const externalData = built.externalData.map(({ path, data }) => ({ path, data }));
  ortWeb.env.wasm.numThreads = 1;
  const sessions = {
    'node built': await ortNode.InferenceSession.create(built.graph, { externalData, intraOpNumThreads: 1 }),
    'node exported': await ortNode.InferenceSession.create(exported, { intraOpNumThreads: 1 }),
    'wasm built': await ortWeb.InferenceSession.create(built.graph, { externalData, executionProviders: ['wasm'] }),
    'wasm exported': await ortWeb.InferenceSession.create(readFileSync(exported), {
      externalData: [{ path: 'model.onnx.data', data: readFileSync(`${exported}.data`) }],
      executionProviders: ['wasm'],
    }),
  };
  const times: Record<string, number[]> = Object.fromEntries(Object.keys(sessions).map((key) => [key, []]));
  for (let round = -2; round < runs; round++) {
    for (const [key, session] of Object.entries(sessions)) {
      const Tensor = key.startsWith('node') ? ortNode.Tensor : ortWeb.Tensor;
      const feeds = { pixel_values: new Tensor('float32', pixels, [1, 3, size, size]) };
      const cpu = process.cpuUsage();
      await session.run(feeds);
      const { user, system } = process.cpuUsage(cpu);
      if (round >= 0) times[key]!.push((user + system) / 1000);
    }
  }
  const p50 = (key: string) => times[key]!.sort((a, b) => a - b)[Math.floor(runs / 2)]!;
  for (const runtime of ['node', 'wasm']) {
    const [built, exported] = [p50(`${runtime} built`), p50(`${runtime} exported`)];
    console.log(
      `${runtime}: built p50 ${built.toFixed(1)} ms, exported p50 ${exported.toFixed(1)} ms CPU time (${runs} runs): ${(built / exported).toFixed(3)}x`,
    );
  }
}

await main();
