// The floor: bare onnxruntime-web session.run on prepared pixel_values, in a worker of its own like
// Retina's. Retina's in-thread stages (decode, preprocess, post-process) are timed here too, on the
// same photo, so that the worker's end-to-end time can be split.
import { expose } from 'comlink';
import {
  AutoImageProcessor,
  loadImage,
  postProcessDepthEstimation,
  postProcessSemanticSegmentation,
  Tensor,
  type ImageProcessor,
  type RawImage,
} from '@retina/core';
import type * as ort from 'onnxruntime-web/webgpu';
import { loadSession, ortVersion, pixelTensor } from './ort-floor.js';
import type { LoadInfo, RoundTimes, RoundTripRequest, ScenarioRequest } from './protocol.js';
import { timeRound, warmUp, type RoundRuns } from './runs.js';

let round: RoundRuns = {};

function firstOutput(session: ort.InferenceSession, outputs: ort.InferenceSession.OnnxValueMapType): Tensor<'float32'> {
  const value = outputs[session.outputNames[0]!]!;
  return new Tensor('float32', value.data as Float32Array, value.dims);
}

/** The photo decoded as Retina's pipelines decode it for a processor: opaque RGB may stay RGBA. */
const decode = (photo: Blob): Promise<RawImage> => loadImage(photo, { keepOpaqueAlpha: true });

async function preparedInput(request: ScenarioRequest, processor: ImageProcessor) {
  const photo = await (await fetch(request.photoUrl)).blob();
  const image = await decode(photo);
  const { pixelValues, originalSizes } = await processor.preprocess(image, request.model.preprocess);
  return { photo, image, pixelValues, originalSize: originalSizes[0]! };
}

const api = {
  async load(request: ScenarioRequest): Promise<LoadInfo> {
    const processor = await AutoImageProcessor.fromPretrained(request.modelUrl, { useBrowserCache: false });
    const { photo, image, pixelValues, originalSize } = await preparedInput(request, processor);
    const { session, fetchMs, createSessionMs, modelBytes } = await loadSession(
      request.modelUrl,
      'model.onnx',
      'model.onnx.data',
      request.backend,
    );
    const feeds = { [session.inputNames[0]!]: pixelTensor(pixelValues.data, pixelValues.dims) };
    let logits = firstOutput(session, await session.run(feeds));
    round = {
      inference: async () => (logits = firstOutput(session, await session.run(feeds))),
      decode: () => decode(photo),
      preprocess: () => processor.preprocess(image, request.model.preprocess),
    };
    if (request.model.task === 'image-segmentation') {
      round.postprocess = async () => postProcessSemanticSegmentation(logits, [originalSize]);
    }
    if (request.model.task === 'depth-estimation') round.postprocess = async () => postProcessDepthEstimation(logits, [originalSize]);
    await warmUp(round, request);
    return { ortVersion, fetchMs, createSessionMs, coldStartMs: fetchMs + createSessionMs, modelBytes };
  },

  async loadRoundTrip(request: RoundTripRequest): Promise<LoadInfo> {
    const { session, fetchMs, createSessionMs } = await loadSession(request.modelUrl, request.modelFile, undefined, request.backend);
    const dims = [1, 3, request.size, request.size];
    const feeds = { [session.inputNames[0]!]: pixelTensor(new Float32Array(3 * request.size * request.size).fill(0.25), dims) };
    round = { inference: () => session.run(feeds) };
    await warmUp(round, request);
    return { ortVersion, coldStartMs: fetchMs + createSessionMs };
  },

  round: (): Promise<RoundTimes> => timeRound(round),
};

export type FloorWorkerApi = typeof api;
expose(api);
