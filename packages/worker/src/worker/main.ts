// Entry of worker.js: a module Web Worker that owns the onnxruntime-web sessions.
import { expose } from 'comlink';
import { settledApi } from '../protocol/settled-calls.js';
import { countGpuBuffers } from './gpu-buffer-counter.js';
import { WorkerService } from './worker-service.js';

expose(settledApi(new WorkerService(countGpuBuffers())));
