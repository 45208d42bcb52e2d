/**
 * Inflates a zlib stream with the platform's own zlib (DecompressionStream) straight into a buffer
 * of the size the image header implies. Bytes past that size are ignored, as Pillow and libpng do.
 */
export async function inflateZlib(pieces: Uint8Array[], size: number): Promise<Uint8Array> {
  const out = new Uint8Array(size);
  const stream = new Blob(pieces as BlobPart[]).stream().pipeThrough(new DecompressionStream('deflate'));
  const reader = stream.getReader();
  let at = 0;
  while (at < size) {
    const { done, value } = await reader.read();
    if (done) break;
    const taken = Math.min(value.length, size - at);
    out.set(taken < value.length ? value.subarray(0, taken) : value, at);
    at += taken;
  }
  await reader.cancel();
  if (at < size) throw new Error(`the compressed image data ends early: it holds ${at} of ${size} bytes`);
  return out;
}
