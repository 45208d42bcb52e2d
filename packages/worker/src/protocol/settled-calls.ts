// Every worker call comes back as a value, never as a comlink throw: comlink's `throw` transfer handler
// is one global of the page (shared with the app's own comlink), so Retina carries what a call threw in
// its own format instead, with the error's class, code and cause.
import { transfer, type RemoteObject } from 'comlink';
import { RetinaError, type RetinaErrorCode } from '@retina/core';
import { transferableBuffers } from './transferables.js';

/** An Error as it crosses the worker boundary. */
interface WireError {
  /** DOMExceptions (AbortError, TimeoutError, ...) are rebuilt as DOMExceptions. */
  domException: boolean;
  name: string;
  message: string;
  stack: string | undefined;
  code: string | undefined;
  cause: WireThrown | undefined;
}

/** What a call threw: an Error, or any other value as structured cloning gives it. */
type WireThrown = { error: WireError } | { value: unknown };

/** A worker call's result: what it resolved with, or what it threw. */
export type Settled<T> = { value: T } | { thrown: WireThrown };

/** The worker API as comlink exposes it: each method resolves with a {@link Settled} result. */
export type SettledApi<T> = {
  [K in keyof T]: T[K] extends (...args: infer A) => infer R ? (...args: A) => Promise<Settled<Awaited<R>>> : never;
};

/** The worker API as the page calls it: comlink's remote methods, resolving with the value or throwing. */
export type WorkerCalls<T> = RemoteObject<T>;

// Built-in error classes keep their class; others become an Error with their name.
const ERROR_CLASSES: Readonly<Record<string, ErrorConstructor>> = {
  Error,
  TypeError,
  RangeError,
  SyntaxError,
  ReferenceError,
  EvalError,
  URIError,
};
/** Enough for any real chain, and a stop for cyclic ones. */
const MAX_CAUSE_DEPTH = 8;

function cloneable(value: unknown): unknown {
  try {
    return structuredClone(value);
  } catch {
    return String(value);
  }
}

function toWireThrown(thrown: unknown, depth = 0): WireThrown {
  const isDomException = typeof DOMException === 'function' && thrown instanceof DOMException;
  if (!(thrown instanceof Error) && !isDomException) return { value: cloneable(thrown) };
  const error = thrown as Error & { code?: unknown };
  return {
    error: {
      domException: isDomException,
      name: error.name,
      message: error.message,
      stack: error.stack,
      code: typeof error.code === 'string' ? error.code : undefined,
      cause: error.cause === undefined || depth >= MAX_CAUSE_DEPTH ? undefined : toWireThrown(error.cause, depth + 1),
    },
  };
}

function fromWireError({ domException, name, message, stack, code, cause }: WireError): Error {
  if (domException) return new DOMException(message, name);
  const options = cause === undefined ? undefined : { cause: fromWireThrown(cause) };
  let error: Error;
  if (name === 'RetinaError' && code !== undefined) {
    error = new RetinaError(code as RetinaErrorCode, message, options);
  } else {
    error = new (Object.hasOwn(ERROR_CLASSES, name) ? ERROR_CLASSES[name]! : Error)(message, options);
    if (error.name !== name) Object.defineProperty(error, 'name', { value: name, configurable: true, writable: true });
    if (code !== undefined) Object.assign(error, { code });
  }
  error.stack = stack;
  return error;
}

function fromWireThrown(wire: WireThrown): unknown {
  return 'error' in wire ? fromWireError(wire.error) : wire.value;
}

/** The worker's side: `api`'s methods resolve with their result (its buffers transferred) or what they threw. */
export function settledApi<T extends object>(api: T): SettledApi<T> {
  return new Proxy(api, {
    get(target, name) {
      const member: unknown = Reflect.get(target, name);
      if (typeof member !== 'function') return member;
      return async (...args: unknown[]): Promise<Settled<unknown>> => {
        try {
          const value: unknown = await member.apply(target, args);
          return transfer({ value }, transferableBuffers(value));
        } catch (thrown) {
          return { thrown: toWireThrown(thrown) };
        }
      };
    },
  }) as unknown as SettledApi<T>;
}

/** The page's side: calls `remote`'s settled methods and gives back their value, or throws what the worker threw. */
export function unsettledApi<T>(remote: RemoteObject<SettledApi<T>>): WorkerCalls<T> {
  return new Proxy({} as WorkerCalls<T>, {
    get(_, name) {
      // Not a thenable, and no symbols: only the API's method names reach the worker.
      if (typeof name !== 'string' || name === 'then') return undefined;
      const method = (remote as Record<PropertyKey, unknown>)[name] as (...args: unknown[]) => Promise<Settled<unknown>>;
      return async (...args: unknown[]) => {
        const settled = await method(...args);
        if ('thrown' in settled) throw fromWireThrown(settled.thrown);
        return settled.value;
      };
    },
  });
}
