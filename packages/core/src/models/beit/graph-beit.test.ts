// Every BEiT fixture model built from its checkpoint (model.safetensors, and pytorch_model.bin alone), run on
// onnxruntime-node and onnxruntime-web (WASM), against the golden outputs of Transformers.
import { afterAll, describe, expect, it } from 'vitest';
import { RetinaError } from '../../errors.js';
import type { ModelRepo } from '../../hub/model-repo.js';
import type { InferenceSession } from '../../session/inference-session.js';
import { createOnnxruntimeNodeSession, importOnnxruntimeNode } from '../../session/onnxruntime-node-session.js';
import { createOnnxruntimeWebSession } from '../../session/onnxruntime-web-session.js';
import { postProcessSemanticSegmentation } from '../../processors/semantic-segmentation.js';
import type { Tensor } from '../../tensor.js';
import { readBin, type BinDescriptor } from '../../testing/fixtures.js';
import { compareToGolden, fixtureModels, fixtureRepo, goldenTensor, readGolden } from '../../testing/model-fixtures.js';
import { readCheckpoint } from '../../weights/index.js';
import { BeitConfig } from './configuration-beit.js';
import { buildBeitGraph } from './graph-beit.js';

interface PostProcessCase {
  target_sizes: [number, number][] | null;
  maps: (BinDescriptor & { 'pixels_with_margin_below_1e-4': number })[];
}

const BEIT_MODELS = fixtureModels.filter((model) => model.startsWith('beit-'));

/** `repo` without `hidden`, as if the files were never uploaded. */
export function repoWithout(repo: ModelRepo, hidden: readonly string[]): ModelRepo {
  const missing = (file: string) => new RetinaError('FILE_NOT_FOUND', `${file} is hidden for this test`);
  return {
    location: `${repo.location} (without ${hidden.join(', ')})`,
    json: async (file, options) => (hidden.includes(file) ? Promise.reject(missing(file)) : repo.json(file, options)),
    bytes: async (file, options) => (hidden.includes(file) ? Promise.reject(missing(file)) : repo.bytes(file, options)),
  };
}

const CHECKPOINTS = {
  safetensors: ['onnx/model.onnx'],
  'pytorch_model.bin': ['onnx/model.onnx', 'model.safetensors'],
} as const;

async function buildSession(model: string, checkpoint: keyof typeof CHECKPOINTS, runtime: InferenceSession.Runtime, dtype: 'fp32' | 'fp16' = 'fp32') {
  const repo = repoWithout(fixtureRepo(model), CHECKPOINTS[checkpoint]);
  const config = new BeitConfig(await repo.json('config.json'));
  const weights = await readCheckpoint(repo);
  const built = buildBeitGraph(config, config.architectures[0]!, weights, { dtype });
  const files = { file: 'built', location: repo.location, graph: built.graph, externalData: built.externalData };
  if (runtime === 'onnxruntime-web') return createOnnxruntimeWebSession(files, { numThreads: 1, reason: 'test' });
  const node = await importOnnxruntimeNode();
  if (!('runtime' in node)) throw new Error(node.unavailable);
  return createOnnxruntimeNodeSession(node.runtime, files, { numThreads: 1, reason: 'test' });
}

const maxAbsDiffs: Record<string, Record<string, string>> = {};
afterAll(() => {
  console.log('Built BEiT graphs, max |actual - expected| over all golden cases and outputs:');
  console.table(maxAbsDiffs);
});

/** Largest |actual - expected| over every golden case and output; fails on any element outside `tolerance`. */
async function checkGoldens(model: string, session: InferenceSession, tolerance: { atol: number; rtol: number }): Promise<number> {
  let maxAbsDiff = 0;
  for (const goldenCase of readGolden(model).cases) {
    const feeds = Object.fromEntries(Object.entries(goldenCase.inputs).map(([name, desc]) => [name, goldenTensor(model, desc)]));
    const outputs = await session.run(feeds);
    for (const [name, desc] of Object.entries(goldenCase.outputs)) {
      const where = `${model} ${goldenCase.name} ${name}`;
      expect(outputs[name]?.dims, where).toEqual(desc.shape);
      const comparison = compareToGolden(outputs[name]!.data as Float32Array, readBin(desc, 'models', model, 'golden'), tolerance);
      expect(comparison.violations, `${where}: max |diff| ${comparison.maxAbsDiff}`).toBe(0);
      maxAbsDiff = Math.max(maxAbsDiff, comparison.maxAbsDiff);
    }
  }
  return maxAbsDiff;
}

describe.each(['onnxruntime-node', 'onnxruntime-web'] as const)('built BEiT graphs on %s', (runtime) => {
  describe.each(Object.keys(CHECKPOINTS) as (keyof typeof CHECKPOINTS)[])('from %s', (checkpoint) => {
    it.each(BEIT_MODELS)('%s matches every golden case', async (model) => {
      const session = await buildSession(model, checkpoint, runtime);
      try {
        const maxAbsDiff = await checkGoldens(model, session, readGolden(model).tolerance);
        (maxAbsDiffs[`${model} ${checkpoint}`] ??= {})[runtime] = maxAbsDiff.toExponential(2);
      } finally {
        await session.release();
      }
    });
  });
});

describe.each(['onnxruntime-node', 'onnxruntime-web'] as const)('built beit-seg on %s', (runtime) => {
  it('gives the reference post_process_semantic_segmentation maps', async () => {
    const session = await buildSession('beit-seg', 'safetensors', runtime);
    try {
      const golden = readGolden('beit-seg') as ReturnType<typeof readGolden> & { post_process_semantic_segmentation: PostProcessCase[] };
      const native = golden.cases.find((goldenCase) => goldenCase.name === 'native')!;
      const { logits } = await session.run({ pixel_values: goldenTensor('beit-seg', native.inputs.pixel_values!) });
      for (const entry of golden.post_process_semantic_segmentation) {
        const maps = postProcessSemanticSegmentation(logits as Tensor<'float32'>, entry.target_sizes ?? undefined);
        entry.maps.forEach((desc, i) => {
          const expected = readBin(desc, 'models', 'beit-seg', 'golden') as Int32Array;
          expect([maps[i]!.height, maps[i]!.width]).toEqual(desc.shape);
          const mismatches = expected.reduce((count, label, p) => count + (label === maps[i]!.data[p] ? 0 : 1), 0);
          // Pixels whose two best classes are closer than the model tolerance may go either way.
          expect(mismatches, desc.file).toBeLessThanOrEqual(desc['pixels_with_margin_below_1e-4']);
        });
      }
    } finally {
      await session.release();
    }
  });
});

// fp16 weights and compute: measured max |diff| 4.4e-3 (beit-mim logits, |expected| up to 4), the others 0.9e-3 to 1.8e-3.
const FP16_TOLERANCE = { atol: 5e-3, rtol: 5e-3 };

describe.each(['onnxruntime-node', 'onnxruntime-web'] as const)('fp16 BEiT graphs on %s', (runtime) => {
  it.each(BEIT_MODELS)('%s matches every golden case within the fp16 tolerance', async (model) => {
    const session = await buildSession(model, 'safetensors', runtime, 'fp16');
    try {
      const maxAbsDiff = await checkGoldens(model, session, FP16_TOLERANCE);
      (maxAbsDiffs[`${model} fp16`] ??= {})[runtime] = maxAbsDiff.toExponential(2);
    } finally {
      await session.release();
    }
  });
});
