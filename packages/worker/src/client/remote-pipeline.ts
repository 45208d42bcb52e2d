import { withAsyncDispose, type ImageInput, type LoadImageOptions, type PipelineTask } from '@retina/core';
import { transfer } from 'comlink';
import { prepareImages } from './prepare-images.js';
import type { PipelineCallOptions, RemotePipeline } from './public-types.js';
import type { RemoteHandle } from './remote-handle.js';
import { reviveTensors } from './revive-tensors.js';

export function remotePipeline<T extends PipelineTask>(task: T, model: string, handle: RemoteHandle): RemotePipeline<T> {
  const run = async (input: ImageInput | readonly ImageInput[], options: PipelineCallOptions<T> = {} as PipelineCallOptions<T>) => {
    const started = performance.now();
    const { signal, onTimings, ...taskOptions } = options;
    const single = !Array.isArray(input);
    const { imageElement } = (taskOptions as { preprocess?: { load?: LoadImageOptions } }).preprocess?.load ?? {};
    const prepared = prepareImages(single ? [input as ImageInput] : (input as readonly ImageInput[]), imageElement);
    // The call joins the worker of this moment before its images are ready, so that a terminate()
    // meanwhile rejects it instead of leaving it to the next worker.
    const result = handle.call(async (api, id, abort) => {
      const { images, transfers } = await prepared;
      return api.runPipeline(id, transfer(images, transfers), single, taskOptions, abort);
    }, signal);
    // Also awaits `prepared` itself, so that its failure is handled when the call fails before using it.
    const [{ output, timings }] = await Promise.all([result, prepared]);
    const revived = reviveTensors(output);
    const total = performance.now() - started;
    onTimings?.({ ...timings, transfer: total - timings.total, total });
    return revived;
  };
  const close = () => handle.close();
  const remote = Object.defineProperties(run, {
    task: { value: task, enumerable: true },
    model: { value: model, enumerable: true },
    architecture: { get: () => handle.info.architecture, enumerable: true },
    backend: { get: () => handle.info.backend, enumerable: true },
    loadTimings: { get: () => handle.info.loadTimings, enumerable: true },
    dispose: { value: close },
    close: { value: close },
  });
  return withAsyncDispose(remote, close) as unknown as RemotePipeline<T>;
}
