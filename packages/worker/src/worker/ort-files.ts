// onnxruntime-web's WebAssembly glue and binary, emitted beside worker.js by the build (and found by
// an app's bundler through these URLs), so nothing is fetched from a CDN.
// The `webgpu` entry runs WebGPU on onnxruntime's native WebGPU execution provider (the asyncify
// build). The default entry's JSEP kernels get BiT's preactivation stages wrong at some input sizes
// (0.13 off the goldens for bit-preact-cls at 64x64 on SwiftShader); the native provider matches them.
import * as ort from 'onnxruntime-web/webgpu';
import glueUrl from 'onnxruntime-web/ort-wasm-simd-threaded.asyncify.mjs?url';
import wasmUrl from 'onnxruntime-web/ort-wasm-simd-threaded.asyncify.wasm?url';
import { keepRuntimeInCache } from './runtime-cache.js';

const WASM_FILE = 'ort-wasm-simd-threaded.asyncify.wasm';

/**
 * Points onnxruntime-web at its files: `prefix` (a folder URL ending in `/`) or the bundled ones, and keeps its
 * WebAssembly in the Cache API.
 */
export function serveOrtFilesFrom(prefix: string | undefined): void {
  const wasm = prefix === undefined ? new URL(wasmUrl, import.meta.url).href : new URL(WASM_FILE, prefix).href;
  ort.env.wasm.wasmPaths = prefix ?? { mjs: new URL(glueUrl, import.meta.url).href, wasm };
  keepRuntimeInCache(wasm, String(ort.env.versions.web));
}

/** The GPU device onnxruntime-web created for its WebGPU sessions (only once one exists). */
export async function ortGpuDevice(): Promise<GPUDevice> {
  // Typed as a promise, but onnxruntime-web 1.30 hands back the device itself.
  return await ort.env.webgpu.device;
}

/**
 * WebAssembly threads: 1 without SharedArrayBuffer (cross-origin isolation is not enough: WebKitGTK has
 * none even when isolated), else what onnxruntime-web set when its first session started, `auto` until then.
 */
export function ortWasmThreads(): number | 'auto' {
  if (!globalThis.crossOriginIsolated || typeof SharedArrayBuffer === 'undefined') return 1;
  return ort.env.wasm.numThreads ?? 'auto';
}
