// Entry of worker.js: a module Web Worker that owns the onnxruntime-web sessions.
import { expose } from 'comlink';
import { keepErrorTypesAcrossWorker } from '../protocol/error-transfer.js';
import { countGpuBuffers } from './gpu-buffer-counter.js';
import { serveJpegDecoderFromBundle } from './jpeg-decoder-file.js';
import { WorkerService } from './worker-service.js';

keepErrorTypesAcrossWorker();
serveJpegDecoderFromBundle();
expose(new WorkerService(countGpuBuffers()));
