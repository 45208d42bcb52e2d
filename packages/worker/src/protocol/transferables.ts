/**
 * The ArrayBuffers under `value` (typed arrays inside objects and arrays, tensors included), each once, to hand to
 * postMessage as transferables. Shared memory cannot be transferred and is left to be copied, and so
 * is a buffer a view covers only part of: it may be a window onto a runtime's WebAssembly heap, which
 * cannot be detached.
 */
export function transferableBuffers(value: unknown, found: Set<ArrayBuffer> = new Set()): ArrayBuffer[] {
  if (value instanceof ArrayBuffer) {
    found.add(value);
  } else if (ArrayBuffer.isView(value)) {
    if (value.buffer instanceof ArrayBuffer && value.byteLength === value.buffer.byteLength) found.add(value.buffer);
  } else if (typeof value === 'object' && value !== null) {
    for (const item of Object.values(value)) transferableBuffers(item, found);
  }
  return [...found];
}
