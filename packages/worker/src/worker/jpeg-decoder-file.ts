// libjpeg-turbo's WebAssembly, emitted beside worker.js by the build (and found by an app's bundler
// through this URL). It is fetched only in a browser whose own JPEG decoder misses Pillow's pixels.
import jpegDecoderWasmUrl from '@cwasm/jpeg-turbo/jpeg-turbo.wasm?url';
import { setJpegDecoderWasm } from '@retina/core';

export function serveJpegDecoderFromBundle(): void {
  setJpegDecoderWasm(new URL(jpegDecoderWasmUrl, import.meta.url));
}
