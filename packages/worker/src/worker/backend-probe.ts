/// <reference types="@webgpu/types" />
import { isFallbackAdapter, whyAutoSkipsAdapter } from '@retina/core';
import type { BackendReport, GpuAdapterReport } from '../protocol/backend-report.js';
import { ortWasmThreads } from './ort-files.js';

async function findAdapter(): Promise<{ adapter: GPUAdapter } | { unavailable: string }> {
  if (!('gpu' in navigator)) return { unavailable: 'this browser has no WebGPU (navigator.gpu is undefined)' };
  try {
    const adapter = await navigator.gpu.requestAdapter();
    return adapter ? { adapter } : { unavailable: 'navigator.gpu.requestAdapter() found no adapter' };
  } catch (error) {
    return { unavailable: `navigator.gpu.requestAdapter() failed: ${error instanceof Error ? error.message : String(error)}` };
  }
}

function describeAdapter(adapter: GPUAdapter): GpuAdapterReport {
  const { vendor, architecture, device, description } = adapter.info;
  return {
    vendor,
    architecture,
    device,
    description,
    isFallbackAdapter: isFallbackAdapter(adapter),
    features: [...adapter.features].sort(),
  };
}

/**
 * What `auto` picks here: WebGPU on a hardware adapter when the GPU was not lost, else WebAssembly
 * (the core's choice when it creates the session).
 */
export async function probeBackend(gpuLost: string | undefined): Promise<BackendReport> {
  const found = await findAdapter();
  const adapter = 'adapter' in found ? describeAdapter(found.adapter) : undefined;
  const wasm = { simd: true, crossOriginIsolated: globalThis.crossOriginIsolated, threads: ortWasmThreads() };
  if (gpuLost !== undefined) return { device: 'wasm', reason: `the GPU device was lost (${gpuLost})`, adapter, wasm };
  if ('unavailable' in found) return { device: 'wasm', reason: found.unavailable, adapter, wasm };
  const skipped = whyAutoSkipsAdapter(found.adapter);
  if (skipped !== undefined) return { device: 'wasm', reason: skipped, adapter, wasm };
  return { device: 'webgpu', reason: 'WebGPU adapter available', adapter, wasm };
}
