// transformers.js 4 (with the onnxruntime-web it bundles) on the same ONNX file and photo, or on its default
// dtype's file (q8), in a worker like Retina's. Its ORT files come from the bench server, never a CDN.
import { expose } from 'comlink';
import { env, pipeline, RawImage, type ImageClassificationPipeline } from '@huggingface/transformers';
import type { LoadInfo, RoundTimes, ScenarioRequest } from './protocol.js';
import { timeRound, warmUp, type RoundRuns } from './runs.js';

const onnx = env.backends.onnx as { wasm: { wasmPaths: unknown }; versions?: { web?: string } };
onnx.wasm.wasmPaths = '/ort-tfjs/';
env.allowRemoteModels = false;
env.allowLocalModels = true;
env.localModelPath = '/transformers-js-models/';
env.useBrowserCache = false;

let round: RoundRuns = {};
let output: { label: string; score: number }[] = [];

/** fp32 reads model.onnx (+ model.onnx.data), q8 model_quantized.onnx (weights inside), as transformers.js names them. */
async function loadClassifier(request: ScenarioRequest, dtype: 'fp32' | 'q8'): Promise<ImageClassificationPipeline> {
  return await pipeline('image-classification', request.model.name, {
    device: request.backend,
    dtype,
    subfolder: '',
    session_options: {
      // The fp32 graph names its external data model.onnx.data; transformers.js would look for model.onnx_data.
      ...(dtype === 'fp32' && { externalData: [{ path: 'model.onnx.data', data: 'model.onnx.data' }] }),
      extra: { 'optimization.disable_specified_optimizers': 'Pad_Fusion' },
    },
  });
}

const api = {
  async load(request: ScenarioRequest, dtype: 'fp32' | 'q8'): Promise<LoadInfo> {
    const photo = await (await fetch(request.photoUrl)).blob();
    const start = performance.now();
    const classify = await loadClassifier(request, dtype);
    const coldStartMs = performance.now() - start;
    const image = await RawImage.fromBlob(photo);
    // transformers.js types its processor's and model's outputs as `any`; they are only timed here.
    /* eslint-disable @typescript-eslint/no-unsafe-assignment, @typescript-eslint/no-unsafe-return */
    const { pixel_values } = await classify.processor(image);
    round = {
      endToEnd: async () => (output = (await classify(photo as never, { top_k: 5 })) as typeof output),
      decode: () => RawImage.fromBlob(photo),
      preprocess: () => classify.processor(image),
      inference: () => classify.model({ pixel_values }),
    };
    /* eslint-enable @typescript-eslint/no-unsafe-assignment, @typescript-eslint/no-unsafe-return */
    await warmUp(round, request);
    return { version: env.version, ortVersion: onnx.versions?.web ?? 'unknown', dtype, coldStartMs };
  },

  round: (): Promise<RoundTimes> => timeRound(round),

  output: () => `top-1 ${output[0]?.label} (${output[0]?.score.toFixed(4)})`,
};

export type TransformersWorkerApi = typeof api;
expose(api);
