// Compiles the WebAssembly SIMD kernel once, on first use, and remembers whether it is allowed
// and available.
import { assembleKernel, KERNEL_LAYOUTS, type ConvFunction } from './wasm-kernel.js';

export interface SimdKernel {
  memory: WebAssembly.Memory;
  exports: Record<keyof typeof KERNEL_LAYOUTS, ConvFunction>;
}

let wasmAllowed = true;
let compiledModule: WebAssembly.Module | undefined;
let cachedKernel: SimdKernel | null | undefined;

/**
 * Kernel memory kept for the next call (resizing an 8192x8192 photo to 640x640 needs about 17 MB);
 * a call that grew it past this gives it back.
 */
const KEPT_MEMORY_BYTES = 32 * 2 ** 20;

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

/**
 * Drops the kernel instance when its memory grew past {@link KEPT_MEMORY_BYTES}: WebAssembly memory
 * cannot shrink, so a single large resize would otherwise hold its memory for the page's lifetime.
 * The next call instantiates the compiled module again, with fresh memory.
 */
export function releaseLargeKernelMemory(): void {
  if (cachedKernel && cachedKernel.memory.buffer.byteLength > KEPT_MEMORY_BYTES) cachedKernel = undefined;
}

function instantiateKernel(): SimdKernel | null {
  try {
    const memory = new WebAssembly.Memory({ initial: 1 });
    // Synchronous compilation is fine: the module is well under the 4 KB browsers allow on the main thread.
    compiledModule ??= new WebAssembly.Module(assembleKernel());
    const instance = new WebAssembly.Instance(compiledModule, { env: { memory } });
    return { memory, exports: instance.exports as SimdKernel['exports'] };
  } catch {
    return null; // no WebAssembly SIMD, or compilation forbidden
  }
}
