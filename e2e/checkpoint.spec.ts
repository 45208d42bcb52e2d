// Checkpoints with no ONNX file, through the worker: every fixture model built from model.safetensors
// (one per family also from pytorch_model.bin) reproduces its goldens, and a checkpoint laid out like the
// Hub loads by hub id with progress events, and from the Cache API the second time.
import { postProcessDepthEstimation, postProcessSemanticSegmentation, Tensor } from '@retina/core';
import { readFileSync, statSync } from 'node:fs';
import { DEPTH_MODELS, depthPostProcessing, expectDepthGoldens } from './support/depth-goldens.js';
import { fixtureFile, fixtureModels, readGolden, type BinDescriptor } from './support/fixtures.js';
import { expectGoldenRun, runGoldenCases, WEBGPU_TOLERANCE } from './support/golden-run.js';
import { expect, modelUrl, test } from './support/test.js';

/** SwiftShader is slow: on WebGPU, one model per family, covering BiT's SAME padding and sizes, BEiT's heads, ViT-Hybrid and DPT. */
const WEBGPU_MODELS = ['bit-bottleneck-same-cls', 'beit-seg', 'vit-hybrid-cls', 'dpt-hybrid-depth', 'dpt-beit-depth'];
const PYTORCH_MODELS = ['bit-preact-cls', 'beit-mim', 'vit-hybrid-feature', 'dpt-beit-depth'];

interface PostProcessCase {
  case: string;
  target_sizes: [number, number][] | null;
  maps: (BinDescriptor & { 'pixels_with_margin_below_1e-4': number })[];
}

/** beit-seg's post-processed label maps from the logits the worker computed, against the reference's. */
function expectPostProcessedMaps(logits: number[], shape: number[]): void {
  const golden = readGolden('beit-seg') as ReturnType<typeof readGolden> & { post_process_semantic_segmentation: PostProcessCase[] };
  const tensor = new Tensor('float32', Float32Array.from(logits), shape);
  for (const entry of golden.post_process_semantic_segmentation) {
    const maps = postProcessSemanticSegmentation(tensor, entry.target_sizes ?? undefined);
    entry.maps.forEach((desc, i) => {
      const bytes = readFileSync(fixtureFile('models', 'beit-seg', 'golden', desc.file));
      const expected = new Int32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
      expect([maps[i]!.height, maps[i]!.width], desc.file).toEqual(desc.shape);
      const mismatches = expected.reduce((count, label, p) => count + (label === maps[i]!.data[p] ? 0 : 1), 0);
      // Pixels whose two best classes are closer than the model tolerance may go either way.
      expect(mismatches, desc.file).toBeLessThanOrEqual(desc['pixels_with_margin_below_1e-4']);
    });
  }
}

for (const [weights, models] of [
  ['safetensors', fixtureModels],
  ['pytorch', PYTORCH_MODELS],
] as const) {
  for (const model of models) {
    const title = `${model} built from its ${weights} checkpoint matches its goldens through the worker`;
    // SwiftShader is slow: WEBGPU_MODELS prove the WebGPU path, the others run on WebAssembly only.
    const tag = WEBGPU_MODELS.includes(model) ? [] : ['@wasm-only'];
    test(title, { tag }, async ({ retinaPage, device }) => {
      const golden = readGolden(model);
      const tolerance = device === 'webgpu' ? WEBGPU_TOLERANCE : golden.tolerance;
      const keep = model === 'beit-seg' ? ['native logits'] : DEPTH_MODELS.includes(model) ? ['pipeline predicted_depth'] : [];
      const run = await runGoldenCases(retinaPage, {
        model: modelUrl(retinaPage, model, `/checkpoints/${weights}`),
        fixtureUrl: modelUrl(retinaPage, model),
        device,
        golden,
        tolerance,
        keep,
      });
      const maxAbsDiff = expectGoldenRun(run, golden, device);
      console.log(
        `[${device}] ${model} from ${weights}: max |actual - expected| ${maxAbsDiff.toExponential(2)} over ${run.rows.length} outputs`,
      );
      if (model === 'beit-seg')
        expectPostProcessedMaps(run.kept['native logits']!, golden.cases.find((c) => c.name === 'native')!.outputs.logits!.shape);
      if (DEPTH_MODELS.includes(model)) {
        // The reference pipeline's bicubic maps and 8-bit images, from the predicted_depth the worker computed.
        const shape = golden.cases.find((c) => c.name === 'pipeline')!.outputs.predicted_depth!.shape;
        const predicted = new Tensor('float32', Float32Array.from(run.kept['pipeline predicted_depth']!), shape);
        const depth = expectDepthGoldens(model, postProcessDepthEstimation(predicted, depthPostProcessing(model).target_sizes), tolerance);
        console.log(
          `[${device}] ${model} post-processed: max |depth diff| ${depth.maxAbsDiff.toExponential(2)}, bytes differing ${depth.bytesDiffering.join(', ')}`,
        );
      }
    });
  }
}

const HUB_MODEL = 'bit-preact-cls';
const HUB_FILES = ['config.json', 'preprocessor_config.json', 'model.safetensors'];

test('a checkpoint laid out like the Hub loads by hub id with progress events, and the second load downloads nothing', async ({
  retinaPage,
  context,
  device,
}) => {
  // Three loads, each creating its session; SwiftShader compiles its shaders every time.
  test.setTimeout(300_000);
  // Throttled, so that each file arrives in several steps.
  const remoteHost = new URL('/throttled/hub', retinaPage.url()).href;
  const requests: string[] = [];
  context.on('request', (request) => {
    if (request.url().startsWith(remoteHost)) requests.push(`${request.method()} ${request.url().slice(remoteHost.length)}`);
  });
  const load = (source: 'auto' | 'weights') =>
    retinaPage.evaluate(
      async ({ id, remoteHost, device, source }) => {
        const retina = Retina.createRetinaWorker({ device });
        const seen: { file: string; loaded: number; total: number | undefined }[] = [];
        try {
          const classify = await retina.pipeline('image-classification', id, {
            remoteHost,
            source,
            onProgress: (progress) => seen.push(progress),
          });
          const labels = await classify('/fixtures/images/chelsea.png', { topK: 1 });
          return { events: seen, architecture: classify.architecture, labels };
        } finally {
          retina.terminate();
        }
      },
      { id: `fixtures/${HUB_MODEL}`, remoteHost, device, source },
    );
  const hubPath = (file: string) => `GET /fixtures/${HUB_MODEL}/resolve/main/${file}`;

  const first = await load('auto');
  expect(first.architecture).toBe('BitForImageClassification');
  expect(first.labels).toHaveLength(1);
  const downloads = requests.filter((request) => request.startsWith('GET'));
  // "auto" asks for the ONNX file first (404), then reads the checkpoint.
  expect(downloads.sort()).toEqual([...HUB_FILES, 'onnx/model.onnx'].map(hubPath).sort());
  for (const file of HUB_FILES) {
    const size = statSync(fixtureFile('models', HUB_MODEL, file)).size;
    const steps = first.events.filter((event) => event.file === file);
    const loaded = steps.map((event) => event.loaded);
    expect(loaded.length, `progress events of ${file}`).toBeGreaterThan(size > 1024 ? 1 : 0);
    expect(loaded, `${file} progress never goes back`).toEqual([...loaded].sort((a, b) => a - b));
    expect(loaded.at(-1), `${file} ends at its size`).toBe(size);
    expect(steps.every((event) => event.total === size)).toBe(true);
  }

  // The Cache API holds the configs and the checkpoint, and no 404: "auto" builds from the kept checkpoint
  // without asking for the ONNX file again, and "weights" asks nothing either.
  requests.length = 0;
  const second = await load('auto');
  expect(second.labels).toEqual(first.labels);
  expect(requests, 'requests of the second load').toEqual([]);
  requests.length = 0;
  const third = await load('weights');
  expect(third.labels).toEqual(first.labels);
  expect(requests, 'requests of a load with source "weights"').toEqual([]);
});
