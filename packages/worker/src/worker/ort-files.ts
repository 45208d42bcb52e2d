// onnxruntime-web's WebAssembly glue and binary, emitted beside worker.js by the build (and found by
// an app's bundler through these URLs), so nothing is fetched from a CDN.
// The `webgpu` entry runs WebGPU on onnxruntime's native WebGPU execution provider (the asyncify
// build). The default entry's JSEP kernels get BiT's preactivation stages wrong at some input sizes
// (0.13 off the goldens for bit-preact-cls at 64x64 on SwiftShader); the native provider matches them.
import * as ort from 'onnxruntime-web/webgpu';
import glueUrl from 'onnxruntime-web/ort-wasm-simd-threaded.asyncify.mjs?url';
import wasmUrl from 'onnxruntime-web/ort-wasm-simd-threaded.asyncify.wasm?url';

/** Points onnxruntime-web at its files: `prefix` (a folder URL ending in `/`) or the bundled ones. */
export function serveOrtFilesFrom(prefix: string | undefined): void {
  ort.env.wasm.wasmPaths = prefix ?? { mjs: new URL(glueUrl, import.meta.url).href, wasm: new URL(wasmUrl, import.meta.url).href };
}

/** The GPU device onnxruntime-web created for its WebGPU sessions (only once one exists). */
export async function ortGpuDevice(): Promise<GPUDevice> {
  // Typed as a promise, but onnxruntime-web 1.30 hands back the device itself.
  return await ort.env.webgpu.device;
}

/** WebAssembly threads: set by onnxruntime-web when its first session starts, `auto` until then. */
export function ortWasmThreads(): number | 'auto' {
  if (!globalThis.crossOriginIsolated) return 1;
  return ort.env.wasm.numThreads ?? 'auto';
}
