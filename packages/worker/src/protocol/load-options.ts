import type { AUTO_MODEL_CLASSES, FileProgress, PipelineOptions, PipelineTask } from '@retina/core';

/** An Auto class by name (`'AutoModel'`, `'AutoModelForImageClassification'`, ...), or a pipeline task for the model class its pipeline loads. */
export type ModelKind = keyof typeof AUTO_MODEL_CLASSES | PipelineTask;

/** Load options that cannot cross to the worker: functions and the Cache API object stay on the page. */
type PageOnly = 'fetch' | 'cacheStorage' | 'signal' | 'onProgress';

/** The part of the load options that is sent to the worker as is. */
export type WireLoadOptions = Omit<PipelineOptions, PageOnly>;

/** Options of `pipeline()` and `loadModel()` in the worker. */
export interface WorkerLoadOptions extends WireLoadOptions {
  /** Cancels the download and session creation; nothing half-downloaded is cached. */
  signal?: AbortSignal;
  /** Each download step, in order, per file. */
  onProgress?: (progress: FileProgress) => void;
}
