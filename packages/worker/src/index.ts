export { createRetinaWorker } from './client/create-retina-worker.js';
export { WorkerFaultError, type WorkerFaultCode } from './client/worker-fault.js';
export type {
  ModelCallOptions,
  PipelineCallOptions,
  PipelineResult,
  RemoteModel,
  RemoteModelTimings,
  RemotePipeline,
  RemotePipelineTimings,
  RetinaWorker,
  RetinaWorkerOptions,
  TensorLike,
} from './client/public-types.js';
export type { BackendReport, GpuAdapterReport } from './protocol/backend-report.js';
export type { ModelKind, WorkerLoadOptions } from './protocol/load-options.js';
export type { WorkerStats } from './protocol/worker-api.js';
// Re-exported so that script-tag users can build inputs and recognise errors without a bundler.
export { RetinaError, Tensor } from '@retina/core';
