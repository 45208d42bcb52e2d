// Entry of worker.js: a module Web Worker that owns the onnxruntime-web sessions.
import { expose } from 'comlink';
import { keepErrorTypesAcrossWorker } from '../protocol/error-transfer.js';
import { countGpuBuffers } from './gpu-buffer-counter.js';
import { WorkerService } from './worker-service.js';

keepErrorTypesAcrossWorker();
expose(new WorkerService(countGpuBuffers()));
