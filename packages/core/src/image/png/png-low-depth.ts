/**
 * Unpacks `count` samples of 1, 2 or 4 bits (most significant bits first, as PNG packs them)
 * from `row` into `out[start]`, `out[start + step]`, ...
 */
export function unpackLowDepthRow(row: Uint8Array, count: number, depth: number, out: Uint8Array, start: number, step: number): void {
  const perByte = 8 / depth;
  const mask = (1 << depth) - 1;
  for (let i = 0; i < count; i++) {
    const byte = row[Math.floor(i / perByte)]!;
    const shift = 8 - depth * ((i % perByte) + 1);
    out[start + i * step] = (byte >> shift) & mask;
  }
}
