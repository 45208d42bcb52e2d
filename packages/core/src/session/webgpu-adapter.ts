/** A WebGPU adapter of this environment, or why there is none. */
export async function findWebGpuAdapter(): Promise<{ adapter: GPUAdapter } | { unavailable: string }> {
  // Undefined outside browsers and in browsers without WebGPU, whatever the DOM types say; null in WebKit's
  // workers while WebGPU is enabled in its pages.
  const gpu = (globalThis.navigator as { gpu?: GPU | null } | undefined)?.gpu;
  if (!gpu) return { unavailable: `no WebGPU in this environment (navigator.gpu is ${gpu === null ? 'null' : 'undefined'})` };
  try {
    const adapter = await gpu.requestAdapter();
    return adapter ? { adapter } : { unavailable: 'no WebGPU adapter (navigator.gpu.requestAdapter() gave null)' };
  } catch (error) {
    return { unavailable: `no WebGPU adapter (${error instanceof Error ? error.message : String(error)})` };
  }
}

/** Whether the browser marks the adapter as a fallback (a CPU emulation such as SwiftShader). */
export function isFallbackAdapter(adapter: GPUAdapter): boolean {
  // `info.isFallbackAdapter` since Chromium 136; `GPUAdapter.isFallbackAdapter` before.
  return adapter.info.isFallbackAdapter ?? (adapter as { isFallbackAdapter?: boolean }).isFallbackAdapter ?? false;
}

/**
 * Why device `auto` runs on WebAssembly instead of this adapter, or undefined when it takes it. A
 * fallback adapter emulates the GPU on the CPU, far slower than onnxruntime's WebAssembly kernels
 * (50-400x on SwiftShader); an explicit device `webgpu` still runs on it.
 */
export function whyAutoSkipsAdapter(adapter: GPUAdapter): string | undefined {
  if (!isFallbackAdapter(adapter)) return undefined;
  const { vendor, architecture } = adapter.info;
  const name = [vendor, architecture].filter(Boolean).join(' ');
  return `the only WebGPU adapter is a software fallback${name ? ` (${name})` : ''}, slower than WebAssembly; device "webgpu" uses it anyway`;
}
