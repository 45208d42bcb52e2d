import { RetinaError } from '@retina/core';

/** Why calls pending on the worker were rejected. */
export type WorkerFaultCode = 'WORKER_TERMINATED' | 'WORKER_CRASHED' | 'GPU_DEVICE_LOST';

/**
 * The {@link RetinaError} that rejects every call pending when the worker is terminated, crashes or
 * loses its GPU device. The next call starts a new worker (on WebAssembly when the GPU was lost,
 * unless WebGPU was asked for) and loads the models it needs again.
 */
export class WorkerFaultError extends RetinaError {
  override readonly name: string = 'WorkerFaultError';
  declare readonly code: WorkerFaultCode;

  constructor(code: WorkerFaultCode, message: string) {
    super(code, message);
  }
}
