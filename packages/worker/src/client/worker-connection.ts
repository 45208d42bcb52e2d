import { proxy, releaseProxy, wrap, type Remote } from 'comlink';
import type { BackendReport } from '../protocol/backend-report.js';
import { unsettledApi, type SettledApi, type WorkerCalls } from '../protocol/settled-calls.js';
import type { WorkerApi, WorkerEvents, WorkerSetup } from '../protocol/worker-api.js';
import { abortPortFor } from './abort-port.js';
import { WorkerFaultError } from './worker-fault.js';

/**
 * One worker and the calls pending on it. When the worker fails (terminated, crashed, GPU device
 * lost), every pending call rejects with a {@link WorkerFaultError} and the connection is dead; the
 * client then opens a new one.
 */
export class WorkerConnection {
  /** Resolves once the worker has set itself up. */
  readonly ready: Promise<BackendReport>;
  readonly #worker: Worker;
  readonly #remote: Remote<SettledApi<WorkerApi>>;
  readonly #api: WorkerCalls<WorkerApi>;
  readonly #pending = new Set<(error: Error) => void>();
  readonly #onFault: (fault: WorkerFaultError) => void;
  #fault: WorkerFaultError | undefined;

  constructor(worker: Worker, setup: WorkerSetup, onFault: (fault: WorkerFaultError) => void) {
    this.#worker = worker;
    this.#remote = wrap<SettledApi<WorkerApi>>(worker);
    this.#api = unsettledApi<WorkerApi>(this.#remote);
    this.#onFault = onFault;
    worker.addEventListener('error', (event) => {
      event.preventDefault();
      const what = event.message || 'it failed to start or threw outside any call';
      this.fail(new WorkerFaultError('WORKER_CRASHED', `The Retina worker crashed (${what}); it will be restarted on the next call.`));
    });
    const events: WorkerEvents = {
      gpuDeviceLost: (message) =>
        this.fail(
          new WorkerFaultError(
            'GPU_DEVICE_LOST',
            `The GPU device was lost (${message}); the next call restarts the worker, on WebAssembly unless WebGPU was asked for.`,
          ),
        ),
    };
    this.ready = this.#track(() => this.#api.init(setup, proxy(events)), undefined);
  }

  get failed(): boolean {
    return this.#fault !== undefined;
  }

  /**
   * Calls the worker once it is ready. With a signal, the call rejects as soon as it aborts, and the
   * worker gets the abort through the port passed to `invoke`.
   */
  call<T>(invoke: (api: WorkerCalls<WorkerApi>, abort: MessagePort | undefined) => Promise<T>, signal?: AbortSignal): Promise<T> {
    return this.#track(async () => {
      await this.ready;
      signal?.throwIfAborted();
      const abort = signal && abortPortFor(signal);
      try {
        return await invoke(this.#api, abort?.port);
      } finally {
        abort?.close();
      }
    }, signal);
  }

  /** Ends the worker and rejects every pending call with `fault`; later faults are ignored. */
  fail(fault: WorkerFaultError): void {
    this.#end(fault, true);
  }

  /** Ends the worker on the page's request: a fault only for the calls it cuts short. */
  terminate(): void {
    const fault = new WorkerFaultError(
      'WORKER_TERMINATED',
      'The Retina worker was terminated (terminate() was called) before this call finished.',
    );
    this.#end(fault, this.#pending.size > 0);
  }

  #end(fault: WorkerFaultError, report: boolean): void {
    if (this.#fault) return;
    this.#fault = fault;
    this.#worker.terminate();
    this.#remote[releaseProxy]();
    for (const reject of this.#pending) reject(fault);
    this.#pending.clear();
    if (report) this.#onFault(fault);
  }

  #track<T>(run: () => Promise<T>, signal: AbortSignal | undefined): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      if (this.#fault) return reject(this.#fault);
      // A cancelled call rejects with the signal's own reason, as fetch does (an AbortError unless the caller chose another).
      /* eslint-disable @typescript-eslint/prefer-promise-reject-errors */
      if (signal?.aborted) return reject(signal.reason);
      // A call stops being pending as it settles for the caller: an aborted call already has.
      const settled = () => {
        this.#pending.delete(reject);
        signal?.removeEventListener('abort', onAbort);
      };
      const onAbort = () => {
        settled();
        reject(signal!.reason);
      };
      /* eslint-enable @typescript-eslint/prefer-promise-reject-errors */
      signal?.addEventListener('abort', onAbort, { once: true });
      this.#pending.add(reject);
      run().finally(settled).then(resolve, reject);
    });
  }
}
