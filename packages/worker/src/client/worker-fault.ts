/** Why calls pending on the worker were rejected. */
export type WorkerFaultCode = 'WORKER_TERMINATED' | 'WORKER_CRASHED' | 'GPU_DEVICE_LOST';

/**
 * Rejects every call pending when the worker is terminated, crashes or loses its GPU device. The next
 * call starts a new worker (on WebAssembly when the GPU was lost, unless WebGPU was asked for) and loads the models it needs again.
 */
export class WorkerFaultError extends Error {
  override readonly name = 'WorkerFaultError';
  readonly code: WorkerFaultCode;

  constructor(code: WorkerFaultCode, message: string) {
    super(message);
    this.code = code;
  }
}
