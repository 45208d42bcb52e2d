/**
 * Inflates a zlib stream with the platform's own zlib (DecompressionStream), handing its first `size`
 * bytes to `consume` piece by piece as they come, so that no buffer of the whole inflated data is
 * needed. Bytes past that size are ignored, as Pillow and libpng do.
 */
export async function inflateZlib(pieces: Uint8Array[], size: number, consume: (piece: Uint8Array) => void): Promise<void> {
  const stream = new Blob(pieces as BlobPart[]).stream().pipeThrough(new DecompressionStream('deflate'));
  const reader = stream.getReader();
  let at = 0;
  while (at < size) {
    const { done, value } = await reader.read();
    if (done) break;
    const taken = Math.min(value.length, size - at);
    consume(taken < value.length ? value.subarray(0, taken) : value);
    at += taken;
  }
  await reader.cancel();
  if (at < size) throw new Error(`the compressed image data ends early: it holds ${at} of ${size} bytes`);
}
