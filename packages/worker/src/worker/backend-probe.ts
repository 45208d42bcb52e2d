/// <reference types="@webgpu/types" />
import { findWebGpuAdapter, isFallbackAdapter, whyAutoSkipsAdapter } from '@retina/core';
import type { BackendReport, GpuAdapterReport } from '../protocol/backend-report.js';
import { ortWasmThreads } from './ort-files.js';

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
 * What `auto` picks here now: WebGPU on a hardware adapter when the GPU was not lost, else WebAssembly
 * (the core's choice when it creates the session, with the same reason).
 */
export async function probeBackend(gpuLost: string | undefined): Promise<BackendReport> {
  const found = await findWebGpuAdapter();
  const adapter = 'adapter' in found ? describeAdapter(found.adapter) : undefined;
  const wasm = { simd: true, crossOriginIsolated: globalThis.crossOriginIsolated, threads: ortWasmThreads() };
  if (gpuLost !== undefined) return { device: 'wasm', reason: `the GPU device was lost (${gpuLost})`, adapter, wasm };
  if ('unavailable' in found) return { device: 'wasm', reason: found.unavailable, adapter, wasm };
  const skipped = whyAutoSkipsAdapter(found.adapter);
  if (skipped !== undefined) return { device: 'wasm', reason: skipped, adapter, wasm };
  return { device: 'webgpu', reason: 'WebGPU adapter available', adapter, wasm };
}
