import { transferHandlers, type TransferHandler } from 'comlink';
import { RetinaError, type RetinaErrorCode } from '@retina/core';

interface WireError {
  name: string;
  message: string;
  stack: string | undefined;
  code: string | undefined;
}

type Thrown = { value: unknown };
type SerializedThrow = { isError: true; value: WireError } | { isError: false; value: unknown };

function toWireError(error: Error): WireError {
  const code = (error as { code?: unknown }).code;
  return { name: error.name, message: error.message, stack: error.stack, code: typeof code === 'string' ? code : undefined };
}

function fromWireError({ name, message, stack, code }: WireError): Error {
  const error = name === 'RetinaError' && code ? new RetinaError(code as RetinaErrorCode, message) : Object.assign(new Error(message), { name });
  if (code && !(error instanceof RetinaError)) Object.assign(error, { code });
  error.stack = stack;
  return error;
}

/**
 * Makes errors thrown in the worker arrive on the page with their name and `code` (comlink's own
 * handler keeps only name, message and stack): a RetinaError stays a RetinaError, an AbortError an
 * AbortError. Both sides call this once.
 */
export function keepErrorTypesAcrossWorker(): void {
  const builtin = transferHandlers.get('throw') as TransferHandler<Thrown, SerializedThrow>;
  const handler: TransferHandler<Thrown, SerializedThrow> = {
    canHandle: (value): value is Thrown => builtin.canHandle(value),
    serialize: ({ value }) => {
      const serialized: SerializedThrow = value instanceof Error ? { isError: true, value: toWireError(value) } : { isError: false, value };
      return [serialized, []];
    },
    deserialize: (serialized) => {
      throw serialized.isError ? fromWireError(serialized.value) : serialized.value;
    },
  };
  transferHandlers.set('throw', handler);
}
