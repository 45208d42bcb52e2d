import type { PreTrainedModel } from '@retina/core';
import type { LoadedInfo } from '../protocol/worker-api.js';
import { SerialQueue } from './serial-queue.js';

/** A pipeline or a bare model the worker holds for the page, with the queue its calls wait in. */
export interface LoadedEntry {
  kind: 'pipeline' | 'model';
  model: PreTrainedModel;
  queue: SerialQueue;
  /** The pipeline function; undefined for bare models, which run graph feeds. */
  pipeline: ((images: unknown, options: object) => Promise<unknown>) | undefined;
  close(): Promise<void>;
}

export function describeEntry(id: number, { model }: LoadedEntry): LoadedInfo {
  const { backend, inputMetadata, outputMetadata, loadTimings } = model.session;
  return { id, architecture: model.architecture, backend, inputs: inputMetadata, outputs: outputMetadata, loadTimings };
}
