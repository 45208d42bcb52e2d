// transformers.js 4 (with the onnxruntime-web it bundles) on the same ONNX file and photo, or on its default
// dtype's file (q8), in a worker like Retina's. Its ORT files come from the bench server, never a CDN.
import { expose } from 'comlink';
import {
  env,
  pipeline,
  RawImage,
  type DepthEstimationPipeline,
  type ImageClassificationPipeline,
  type Tensor,
} from '@huggingface/transformers';
import type { LoadInfo, RoundTimes, ScenarioRequest } from './protocol.js';
import { describeDepth } from './describe-depth.js';
import { timeRound, warmUp, type RoundRuns } from './runs.js';

const onnx = env.backends.onnx as { wasm: { wasmPaths: unknown }; versions?: { web?: string } };
onnx.wasm.wasmPaths = '/ort-tfjs/';
env.allowRemoteModels = false;
env.allowLocalModels = true;
env.localModelPath = '/transformers-js-models/';
env.useBrowserCache = false;

let round: RoundRuns = {};
let output: () => string = () => 'no output';

/**
 * The model's pipeline (image-classification or depth-estimation, the tasks of the bench models it has):
 * fp32 reads model.onnx (+ model.onnx.data), q8 model_quantized.onnx (weights inside), as transformers.js names them.
 */
async function loadPipeline(
  request: ScenarioRequest,
  dtype: 'fp32' | 'q8',
): Promise<ImageClassificationPipeline | DepthEstimationPipeline> {
  return await pipeline(request.model.task as 'image-classification' | 'depth-estimation', request.model.name, {
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
    const run = await loadPipeline(request, dtype);
    const coldStartMs = performance.now() - start;
    const image = await RawImage.fromBlob(photo);
    // transformers.js types its processor's and model's outputs as `any`; they are only timed here.
    /* eslint-disable @typescript-eslint/no-unsafe-assignment, @typescript-eslint/no-unsafe-return */
    const { pixel_values } = await run.processor(image);
    round = {
      endToEnd: async () => {
        if (request.model.task === 'depth-estimation') {
          const { predicted_depth } = (await (run as DepthEstimationPipeline)(photo as never)) as { predicted_depth: Tensor };
          const [height, width] = predicted_depth.dims as [number, number];
          output = () => describeDepth({ width, height, data: predicted_depth.data as Float32Array });
        } else {
          const top = (await (run as ImageClassificationPipeline)(photo as never, { top_k: 5 })) as { label: string; score: number }[];
          output = () => `top-1 ${top[0]?.label} (${top[0]?.score.toFixed(4)})`;
        }
      },
      decode: () => RawImage.fromBlob(photo),
      preprocess: () => run.processor(image),
      inference: () => run.model({ pixel_values }),
    };
    /* eslint-enable @typescript-eslint/no-unsafe-assignment, @typescript-eslint/no-unsafe-return */
    await warmUp(round, request);
    return { version: env.version, ortVersion: onnx.versions?.web ?? 'unknown', dtype, coldStartMs };
  },

  round: (): Promise<RoundTimes> => timeRound(round),

  output: () => output(),
};

export type TransformersWorkerApi = typeof api;
expose(api);
