// Matrix transposition of raw tensor bytes, whatever the element type: only the width matters.

export type ElementBytes = 1 | 2 | 4 | 8;
type Elements<T> = { [index: number]: T };

/** Transposes a rows × cols matrix, in tiles that keep both the rows read and the columns written in cache. */
function transposeTiled<T>(source: Elements<T>, target: Elements<T>, rows: number, cols: number): void {
  const tile = 16;
  for (let r0 = 0; r0 < rows; r0 += tile) {
    const r1 = Math.min(r0 + tile, rows);
    for (let c0 = 0; c0 < cols; c0 += tile) {
      const c1 = Math.min(c0 + tile, cols);
      for (let r = r0; r < r1; r++) {
        const row = r * cols;
        for (let c = c0; c < c1; c++) target[c * rows + r] = source[row + c]!;
      }
    }
  }
}

function words(elementBytes: 1 | 2 | 4, buffer: ArrayBufferLike, byteOffset: number, count: number): Elements<number> {
  if (elementBytes === 1) return new Uint8Array(buffer, byteOffset, count);
  return elementBytes === 2 ? new Uint16Array(buffer, byteOffset, count) : new Uint32Array(buffer, byteOffset, count);
}

/**
 * Transposes a rows × cols matrix of `elementBytes`-wide elements where it lies in `data`, through
 * `scratch` (at least as large as the matrix; a copy to read from, aligned whatever the offset).
 */
export function transposeInPlace(
  data: Uint8Array,
  offset: number,
  rows: number,
  cols: number,
  elementBytes: ElementBytes,
  scratch: ArrayBuffer,
): void {
  const count = rows * cols;
  const byteLength = count * elementBytes;
  new Uint8Array(scratch, 0, byteLength).set(data.subarray(offset, offset + byteLength));
  const start = data.byteOffset + offset;
  const aligned = start % elementBytes === 0;
  const [buffer, byteOffset]: [ArrayBufferLike, number] = aligned ? [data.buffer, start] : [new ArrayBuffer(byteLength), 0];
  if (elementBytes === 8) transposeTiled(new BigUint64Array(scratch, 0, count), new BigUint64Array(buffer, byteOffset, count), rows, cols);
  else transposeTiled(words(elementBytes, scratch, 0, count), words(elementBytes, buffer, byteOffset, count), rows, cols);
  if (!aligned) data.set(new Uint8Array(buffer), offset);
}
