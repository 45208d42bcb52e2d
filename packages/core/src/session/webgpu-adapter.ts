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

/**
 * Why `dtype` cannot run on this adapter, or undefined when it can: float16 graphs need the adapter's
 * `shader-f16` feature (SwiftShader and some older GPUs lack it; onnxruntime then fails to create the session).
 */
export function whyAdapterRefusesDtype(adapter: GPUAdapter, dtype: string): string | undefined {
  if (dtype !== 'fp16' || adapter.features.has('shader-f16')) return undefined;
  const { vendor, architecture, description } = adapter.info;
  const name = [vendor, architecture, description].filter(Boolean).join(' ');
  return (
    `dtype "fp16" needs a WebGPU adapter with the shader-f16 feature, and this one${name ? ` (${name})` : ''} has none. ` +
    'Use dtype "fp32" or "q4" on it, or device "wasm" for fp16.'
  );
}
