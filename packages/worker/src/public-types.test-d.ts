import type { ImageClassificationResult, ImageSegmentationResult, Tensor } from '@retina/core';
import { describe, expectTypeOf, it } from 'vitest';
import {
  createRetinaWorker,
  type BackendReport,
  type ModelCallOptions,
  type PipelineCallOptions,
  type RemoteModel,
  type RemoteModelTimings,
  type RemotePipeline,
  type RetinaWorker,
  type WorkerFaultCode,
} from './index.js';

declare const retina: RetinaWorker;
declare const bitmap: ImageBitmap;

describe('public types', () => {
  it('createRetinaWorker gives a RetinaWorker', () => {
    expectTypeOf(createRetinaWorker).returns.toEqualTypeOf<RetinaWorker>();
    expectTypeOf(retina.backend()).resolves.toEqualTypeOf<BackendReport>();
  });

  it('a pipeline is typed by its task: one image gives one result, a list a list', async () => {
    const classify = await retina.pipeline('image-classification', 'model');
    expectTypeOf(classify).toEqualTypeOf<RemotePipeline<'image-classification'>>();
    expectTypeOf(classify(bitmap)).resolves.toEqualTypeOf<ImageClassificationResult>();
    expectTypeOf(classify([bitmap])).resolves.toEqualTypeOf<ImageClassificationResult[]>();
    const segment = await retina.pipeline('image-segmentation', 'model');
    expectTypeOf(segment(bitmap)).resolves.toEqualTypeOf<ImageSegmentationResult>();
    // @ts-expect-error not a task
    void retina.pipeline('object-detection', 'model');
  });

  it('call options are the core task options plus a signal and timings', () => {
    expectTypeOf<PipelineCallOptions<'image-classification'>>().toHaveProperty('topK');
    expectTypeOf<PipelineCallOptions<'image-classification'>>().toHaveProperty('signal').toEqualTypeOf<AbortSignal | undefined>();
    expectTypeOf<PipelineCallOptions<'image-segmentation'>>().toHaveProperty('onTimings');
    expectTypeOf<PipelineCallOptions<'image-segmentation'>>().not.toHaveProperty('topK');
  });

  it('models run on named feeds and answer core tensors', () => {
    expectTypeOf<RemoteModel['run']>().returns.resolves.toEqualTypeOf<Record<string, Tensor>>();
    expectTypeOf<ModelCallOptions>().toHaveProperty('onTimings').toEqualTypeOf<((timings: RemoteModelTimings) => void) | undefined>();
  });

  it('the worker, its pipelines and models can be held with `await using`', async () => {
    expectTypeOf<RetinaWorker>().toExtend<AsyncDisposable>();
    expectTypeOf<RemotePipeline<'image-segmentation'>>().toExtend<AsyncDisposable>();
    expectTypeOf<RemoteModel>().toExtend<AsyncDisposable>();
    await using worker = createRetinaWorker();
    await using classify = await worker.pipeline('image-classification', 'model');
    expectTypeOf(classify).toEqualTypeOf<RemotePipeline<'image-classification'>>();
  });

  it('faults name what happened', () => {
    expectTypeOf<WorkerFaultCode>().toEqualTypeOf<'WORKER_TERMINATED' | 'WORKER_CRASHED' | 'GPU_DEVICE_LOST'>();
  });
});
