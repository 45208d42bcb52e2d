import { RetinaError, type FileProgress } from '@retina/core';
import { proxy } from 'comlink';
import type { WorkerCalls } from '../protocol/settled-calls.js';
import type { LoadedInfo, WorkerApi } from '../protocol/worker-api.js';
import type { WorkerConnection } from './worker-connection.js';

type Load = (
  api: WorkerCalls<WorkerApi>,
  abort: MessagePort | undefined,
  onProgress: ((progress: FileProgress) => void) | undefined,
) => Promise<LoadedInfo>;

/**
 * The page's end of a pipeline or model in the worker. After the worker was replaced (fault), the
 * next call loads it again on the new worker first.
 */
export class RemoteHandle {
  readonly #connect: () => WorkerConnection;
  readonly #load: Load;
  #loadedOn: WorkerConnection | undefined;
  #loaded: Promise<LoadedInfo> | undefined;
  #info: LoadedInfo;
  #closed = false;

  private constructor(connect: () => WorkerConnection, load: Load, info: LoadedInfo, loadedOn: WorkerConnection) {
    this.#connect = connect;
    this.#load = load;
    this.#info = info;
    this.#loadedOn = loadedOn;
    this.#loaded = Promise.resolve(info);
  }

  static async open(
    connect: () => WorkerConnection,
    load: Load,
    signal: AbortSignal | undefined,
    onProgress: ((progress: FileProgress) => void) | undefined,
  ): Promise<RemoteHandle> {
    const connection = connect();
    const progress = onProgress && proxy((event: FileProgress) => onProgress(event));
    const info = await connection.call((api, abort) => load(api, abort, progress), signal);
    return new RemoteHandle(connect, load, info, connection);
  }

  get info(): LoadedInfo {
    return this.#info;
  }

  /**
   * Runs `run` on the worker current when `call` is made (loading this handle there first if needed):
   * a fault from then on rejects the call, even before `run` starts.
   */
  async call<T>(
    run: (api: WorkerCalls<WorkerApi>, id: number, abort: MessagePort | undefined) => Promise<T>,
    signal?: AbortSignal,
  ): Promise<T> {
    if (this.#closed) throw new RetinaError('INVALID_ARGUMENT', 'This pipeline or model was closed; load it again.');
    const connection = this.#connect();
    return connection.call(async (api, abort) => run(api, (await this.#loadOn(connection)).id, abort), signal);
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    const connection = this.#loadedOn;
    if (!connection || connection.failed) return;
    const { id } = await this.#loaded!;
    await connection.call((api) => api.close(id));
  }

  #loadOn(connection: WorkerConnection): Promise<LoadedInfo> {
    if (this.#loadedOn !== connection) {
      this.#loadedOn = connection;
      this.#loaded = connection
        .call((api, abort) => this.#load(api, abort, undefined))
        .then(
          (info) => (this.#info = info),
          (error: unknown) => {
            // Let the next call try again.
            if (this.#loadedOn === connection) this.#loadedOn = undefined;
            throw error;
          },
        );
    }
    return this.#loaded!;
  }
}
