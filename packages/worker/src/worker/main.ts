// Entry of worker.js: a module Web Worker that owns the onnxruntime-web sessions.
import { expose } from 'comlink';
import { settledApi } from '../protocol/settled-calls.js';
import { countGpuBuffers } from './gpu-buffer-counter.js';
import { serveJpegDecoderFromBundle } from './jpeg-decoder-file.js';
import { WorkerService } from './worker-service.js';

serveJpegDecoderFromBundle();
expose(settledApi(new WorkerService(countGpuBuffers())));
