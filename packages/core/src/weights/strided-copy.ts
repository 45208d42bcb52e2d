/** Whether a strided view walks its elements in C order with no gaps (size-1 axes may have any stride). */
export function isCContiguous(size: readonly number[], stride: readonly number[]): boolean {
  let expected = 1;
  for (let axis = size.length - 1; axis >= 0; axis--) {
    const dim = size[axis]!;
    if (dim === 0) return true;
    if (dim !== 1 && stride[axis] !== expected) return false;
    expected *= dim;
  }
  return true;
}

/** Copies a strided view of `source` (offsets and strides in elements of `itemBytes` bytes) into new C-order bytes. */
export function copyInCOrder(
  source: Uint8Array,
  itemBytes: number,
  offset: number,
  size: readonly number[],
  stride: readonly number[],
): Uint8Array {
  const count = size.reduce((product, dim) => product * dim, 1);
  const out = new Uint8Array(count * itemBytes);
  if (count === 0) return out;
  const rank = size.length;
  const inner = rank === 0 ? 1 : size[rank - 1]!;
  const innerStride = (rank === 0 ? 0 : stride[rank - 1]!) * itemBytes;
  const index = new Array<number>(Math.max(rank - 1, 0)).fill(0);
  let rowStart = offset * itemBytes;
  for (let written = 0; written < out.length;) {
    for (let i = 0, at = rowStart; i < inner; i++, at += innerStride) {
      for (let b = 0; b < itemBytes; b++) out[written++] = source[at + b]!;
    }
    // Step the outer axes like an odometer.
    for (let axis = rank - 2; axis >= 0; axis--) {
      rowStart += stride[axis]! * itemBytes;
      if (++index[axis]! < size[axis]!) break;
      rowStart -= stride[axis]! * itemBytes * size[axis]!;
      index[axis] = 0;
    }
  }
  return out;
}
