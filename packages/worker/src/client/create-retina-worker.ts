import { withAsyncDispose, type PipelineTask } from '@retina/core';
import type { ModelKind, WireLoadOptions, WorkerLoadOptions } from '../protocol/load-options.js';
import { spawnWorker } from '../spawn-worker.js';
import { modelSourceForWorker } from './model-source.js';
import type { RetinaWorker, RetinaWorkerOptions } from './public-types.js';
import { RemoteHandle } from './remote-handle.js';
import { remoteModel } from './remote-model.js';
import { remotePipeline } from './remote-pipeline.js';
import { WorkerConnection } from './worker-connection.js';
import type { WorkerFaultError } from './worker-fault.js';

/**
 * Starts Retina in a module Web Worker (lazily, on the first call). Pipelines and models load and run
 * there; inputs and outputs are transferred, not copied.
 */
export function createRetinaWorker(options: RetinaWorkerOptions = {}): RetinaWorker {
  let connection: WorkerConnection | undefined;
  let gpuLost: string | undefined;

  const onFault = (fault: WorkerFaultError) => {
    if (fault.code === 'GPU_DEVICE_LOST') gpuLost = fault.message;
    options.onFault?.(fault);
  };
  const connect = (): WorkerConnection => {
    if (!connection || connection.failed) {
      connection = new WorkerConnection(spawnWorker(), { wasmPaths: options.wasmPaths, gpuLost }, onFault);
    }
    return connection;
  };
  const wireOptions = ({ signal, onProgress, ...wire }: WorkerLoadOptions) => ({
    wire: { device: options.device, ...wire } satisfies WireLoadOptions,
    signal,
    onProgress,
  });

  const retina: Omit<RetinaWorker, typeof Symbol.asyncDispose> = {
    async pipeline<T extends PipelineTask>(task: T, model: string, loadOptions: WorkerLoadOptions = {}) {
      const { wire, signal, onProgress } = wireOptions(loadOptions);
      const source = modelSourceForWorker(model);
      const handle = await RemoteHandle.open(
        connect,
        (api, abort, progress) => api.loadPipeline(task, source, wire, abort, progress),
        signal,
        onProgress,
      );
      return remotePipeline(task, model, handle);
    },
    async loadModel(kind: ModelKind, model: string, loadOptions: WorkerLoadOptions = {}) {
      const { wire, signal, onProgress } = wireOptions(loadOptions);
      const source = modelSourceForWorker(model);
      const handle = await RemoteHandle.open(
        connect,
        (api, abort, progress) => api.loadModel(kind, source, wire, abort, progress),
        signal,
        onProgress,
      );
      return remoteModel(model, handle);
    },
    // Asked each time: what is true now (threads once a session started them, an adapter gone after a GPU loss).
    backend: () => connect().call((api) => api.backend()),
    stats: () => connect().call((api) => api.stats()),
    dispose: async () => {
      if (connection && !connection.failed) await connection.call((api) => api.dispose());
    },
    terminate() {
      connection?.terminate();
    },
  };
  return withAsyncDispose(retina, async () => {
    try {
      await retina.dispose();
    } finally {
      retina.terminate();
    }
  });
}
