/** Machine-readable reason of a {@link RetinaError}. */
export type RetinaErrorCode =
  | 'INVALID_IMAGE'
  | 'UNSUPPORTED_IMAGE_FORMAT'
  | 'IMAGE_DECODE_FAILED'
  | 'IMAGE_TOO_LARGE'
  // A model file larger than maxFileBytes.
  | 'FILE_TOO_LARGE'
  | 'INVALID_ARGUMENT'
  | 'INVALID_CONFIG'
  | 'UNSUPPORTED_MODEL'
  | 'MODEL_LOAD_FAILED'
  | 'FILE_NOT_FOUND'
  | 'INFERENCE_FAILED'
  // Raised by @retina/worker (its WorkerFaultError) when the worker ends with calls pending.
  | 'WORKER_TERMINATED'
  | 'WORKER_CRASHED'
  | 'GPU_DEVICE_LOST';

/**
 * Every error the SDK raises on purpose. The message names the problem and how to fix it;
 * `code` lets callers branch without parsing messages.
 */
export class RetinaError extends Error {
  override readonly name: string = 'RetinaError';
  readonly code: RetinaErrorCode;

  constructor(code: RetinaErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }
}
