// Compiles the WebAssembly SIMD kernel once, on first use, and remembers whether it is allowed
// and available.
import { assembleKernel, KERNEL_LAYOUTS, type ConvFunction } from './wasm-kernel.js';

export interface SimdKernel {
  memory: WebAssembly.Memory;
  exports: Record<keyof typeof KERNEL_LAYOUTS, ConvFunction>;
}

let wasmAllowed = true;
let cachedKernel: SimdKernel | null | undefined;

/**
 * Switches the WebAssembly SIMD kernel off (false) or back on, and returns whether resize now uses
 * it. Results are identical either way; the portable path is slower. Used by tests, and for pages
 * whose Content Security Policy forbids compiling WebAssembly (resize also falls back by itself
 * when compiling fails).
 */
export function setResampleWasmEnabled(enabled: boolean): boolean {
  wasmAllowed = enabled;
  return wasmKernel() !== null;
}

/** The compiled kernel, or null where it is switched off or cannot be compiled. */
export function wasmKernel(): SimdKernel | null {
  if (!wasmAllowed) return null;
  if (cachedKernel === undefined) cachedKernel = instantiateKernel();
  return cachedKernel;
}

function instantiateKernel(): SimdKernel | null {
  try {
    const memory = new WebAssembly.Memory({ initial: 1 });
    // Synchronous compilation is fine: the module is well under the 4 KB browsers allow on the main thread.
    const instance = new WebAssembly.Instance(new WebAssembly.Module(assembleKernel()), { env: { memory } });
    return { memory, exports: instance.exports as SimdKernel['exports'] };
  } catch {
    return null; // no WebAssembly SIMD, or compilation forbidden
  }
}
