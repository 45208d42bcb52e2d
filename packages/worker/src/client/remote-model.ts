import { withAsyncDispose, type Tensor } from '@retina/core';
import { transfer } from 'comlink';
import { transferableBuffers } from '../protocol/transferables.js';
import type { WireTensors } from '../protocol/wire-values.js';
import type { ModelCallOptions, RemoteModel, TensorLike } from './public-types.js';
import type { RemoteHandle } from './remote-handle.js';
import { reviveTensors } from './revive-tensors.js';

export function remoteModel(model: string, handle: RemoteHandle): RemoteModel {
  const close = () => handle.close();
  const remote: Omit<RemoteModel, typeof Symbol.asyncDispose> = {
    model,
    get architecture() {
      return handle.info.architecture;
    },
    get backend() {
      return handle.info.backend;
    },
    get loadTimings() {
      return handle.info.loadTimings;
    },
    get inputs() {
      return handle.info.inputs;
    },
    get outputs() {
      return handle.info.outputs;
    },
    async run(feeds: Readonly<Record<string, TensorLike>>, { signal, onTimings }: ModelCallOptions = {}) {
      const started = performance.now();
      const wire: WireTensors = Object.fromEntries(
        Object.entries(feeds).map(([name, { dtype, data, dims }]) => [name, { dtype, data, dims: [...dims] }]),
      );
      const { outputs, inference } = await handle.call(
        (api, id, abort) => api.runModel(id, transfer(wire, transferableBuffers(wire)), abort),
        signal,
      );
      const revived = reviveTensors(outputs) as unknown as Record<string, Tensor>;
      const total = performance.now() - started;
      onTimings?.({ inference, transfer: total - inference, total });
      return revived;
    },
    dispose: close,
    close,
  };
  return withAsyncDispose(remote, close);
}
