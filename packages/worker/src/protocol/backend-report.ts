import type { InferenceSession } from '@retina/core';

/** The WebGPU adapter the worker found, as `GPUAdapter.info` describes it. */
export interface GpuAdapterReport {
  vendor: string;
  architecture: string;
  device: string;
  description: string;
  /** A software emulation of a GPU (SwiftShader, WARP): `auto` runs on WebAssembly instead. */
  isFallbackAdapter: boolean;
  /** Optional features, e.g. `shader-f16`. */
  features: string[];
}

/** Which backend `device: 'auto'` picks in the worker, and what the worker can run on. */
export interface BackendReport {
  /** What `auto` runs on: WebGPU on a hardware adapter (when the GPU was not lost), else WebAssembly. */
  device: Exclude<InferenceSession.Device, 'auto' | 'cpu'>;
  reason: string;
  /** Undefined when there is no WebGPU adapter. */
  adapter: GpuAdapterReport | undefined;
  wasm: {
    /** onnxruntime-web 1.2x only ships SIMD builds. */
    simd: boolean;
    /** True when the page is cross-origin isolated (COOP + COEP), which WebAssembly threads need. */
    crossOriginIsolated: boolean;
    /**
     * WebAssembly threads; 1 without cross-origin isolation or without SharedArrayBuffer, `auto` until
     * onnxruntime-web picks its default as the first session starts.
     */
    threads: number | 'auto';
  };
}
