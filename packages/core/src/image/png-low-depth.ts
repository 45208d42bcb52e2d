/**
 * Unpacks `count` samples of 1, 2 or 4 bits (most significant bits first, as PNG packs them)
 * from `row` into `out[start]`, `out[start + step]`, ...
 */
export function unpackLowDepthRow(
  row: Uint8Array,
  count: number,
  depth: number,
  out: Uint8Array,
  start: number,
  step: number,
): void {
  const perByte = 8 / depth;
  const mask = (1 << depth) - 1;
  for (let i = 0; i < count; i++) {
    const byte = row[Math.floor(i / perByte)]!;
    const shift = 8 - depth * ((i % perByte) + 1);
    out[start + i * step] = (byte >> shift) & mask;
  }
}

/** Unpacks a whole non-interlaced image whose rows are padded to whole bytes. */
export function unpackLowDepthImage(packed: Uint8Array, width: number, height: number, depth: number): Uint8Array {
  const rowBytes = Math.ceil((width * depth) / 8);
  const out = new Uint8Array(width * height);
  for (let y = 0; y < height; y++) {
    unpackLowDepthRow(packed.subarray(y * rowBytes, (y + 1) * rowBytes), width, depth, out, y * width, 1);
  }
  return out;
}
