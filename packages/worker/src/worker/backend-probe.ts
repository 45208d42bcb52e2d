/// <reference types="@webgpu/types" />
import type { BackendReport, GpuAdapterReport } from '../protocol/backend-report.js';
import { ortWasmThreads } from './ort-files.js';

async function findAdapter(): Promise<{ adapter: GpuAdapterReport } | { unavailable: string }> {
  if (!('gpu' in navigator)) return { unavailable: 'this browser has no WebGPU (navigator.gpu is undefined)' };
  try {
    const adapter = await navigator.gpu.requestAdapter();
    if (!adapter) return { unavailable: 'navigator.gpu.requestAdapter() found no adapter' };
    const { vendor, architecture, device, description } = adapter.info;
    return { adapter: { vendor, architecture, device, description, features: [...adapter.features].sort() } };
  } catch (error) {
    return { unavailable: `navigator.gpu.requestAdapter() failed: ${error instanceof Error ? error.message : String(error)}` };
  }
}

/** What `auto` picks here: WebGPU when an adapter exists and the GPU was not lost, else WebAssembly. */
export async function probeBackend(gpuLost: string | undefined): Promise<BackendReport> {
  const found = await findAdapter();
  const adapter = 'adapter' in found ? found.adapter : undefined;
  const wasm = { simd: true, crossOriginIsolated: globalThis.crossOriginIsolated, threads: ortWasmThreads() };
  if (gpuLost !== undefined) return { device: 'wasm', reason: `the GPU device was lost (${gpuLost})`, adapter, wasm };
  if ('unavailable' in found) return { device: 'wasm', reason: found.unavailable, adapter, wasm };
  return { device: 'webgpu', reason: 'WebGPU adapter available', adapter, wasm };
}
