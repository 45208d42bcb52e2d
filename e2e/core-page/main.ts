// @retina/core bundled into a page, for the tests of what the core does with the browser's own APIs
// (decoders, canvas, Cache API) and of what its results are, which the worker's surface does not hand out.
import {
  AutoImageProcessor,
  loadImage,
  openModelRepo,
  parsePytorchBin,
  readCheckpoint,
  RetinaError,
  setJpegDecoderWasm,
} from '@retina/core';

// libjpeg-turbo's WebAssembly as the worker package's build emits it.
setJpegDecoderWasm('/worker/jpeg-turbo.wasm');

const core = { AutoImageProcessor, loadImage, openModelRepo, parsePytorchBin, readCheckpoint, RetinaError };

declare global {
  var RetinaCore: typeof core;
}

globalThis.RetinaCore = core;
