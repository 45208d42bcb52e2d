/**
 * Runs tasks one after another: a session's runs never interleave. A task whose signal aborted while
 * it waited is skipped; one already running finishes, and its caller has moved on.
 */
export class SerialQueue {
  #tail: Promise<unknown> = Promise.resolve();

  run<T>(task: () => Promise<T>, signal: AbortSignal | undefined): Promise<T> {
    const result = this.#tail.then(() => {
      signal?.throwIfAborted();
      return task();
    });
    this.#tail = result.catch(() => undefined);
    return result;
  }
}
