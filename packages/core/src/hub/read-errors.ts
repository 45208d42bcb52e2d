import { RetinaError } from '../errors.js';

/**
 * The rejection of an aborted `action` ("Loading onnx/model.onnx from …"): the abort reason. The default
 * reasons (AbortError of `abort()`, TimeoutError of `AbortSignal.timeout`) say nothing of what was cut
 * short, so they become a DOMException of the same name that says it; a reason of the caller's own is
 * handed back as it is.
 */
export function abortReason(action: string, signal: AbortSignal): unknown {
  const reason: unknown = signal.reason;
  if (reason instanceof DOMException && (reason.name === 'AbortError' || reason.name === 'TimeoutError')) {
    return new DOMException(`${action} was aborted.`, reason.name);
  }
  return reason;
}

/** The rejection of an aborted read of `file`, see {@link abortReason}. */
export function abortError(file: string, location: string, signal: AbortSignal): unknown {
  return abortReason(`Reading ${file} from ${location}`, signal);
}

export function throwIfAborted(signal: AbortSignal | undefined, file: string, location: string): void {
  if (signal?.aborted) throw abortError(file, location, signal);
}

export function isFileNotFound(error: unknown): boolean {
  return error instanceof RetinaError && error.code === 'FILE_NOT_FOUND';
}

/** An error's message with its cause's, since fetch in Node says only "fetch failed" up top. */
export function describeError(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  return error.cause instanceof Error ? `${error.message}: ${error.cause.message}` : error.message;
}
