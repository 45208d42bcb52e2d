import { RetinaError } from '../errors.js';

/** The rejection of an aborted read: a DOMException (`name` AbortError, or TimeoutError for `AbortSignal.timeout`) naming the file. */
export function abortError(file: string, location: string, signal: AbortSignal): DOMException {
  const reason: unknown = signal.reason;
  const name = reason instanceof DOMException && reason.name === 'TimeoutError' ? 'TimeoutError' : 'AbortError';
  return new DOMException(`Reading ${file} from ${location} was aborted.`, name);
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
