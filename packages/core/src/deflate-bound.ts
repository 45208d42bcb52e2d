// How far deflate data can expand: what a header may claim of compressed data before Retina allocates for it.

/**
 * Deflate turns at most 2 bits into 258 bytes (a longest match with one-bit codes): about 1032 bytes
 * per compressed byte. A header claiming more than that of its compressed data cannot be true.
 */
const MAX_DEFLATE_RATIO = 1032;
/** Room for the first literal bytes and block headers of a tiny stream. */
const MAX_DEFLATE_SLACK = 1024;

/** The most bytes `compressed` bytes of a zlib stream can inflate to. */
export function maxInflatedSize(compressed: number): number {
  return compressed * MAX_DEFLATE_RATIO + MAX_DEFLATE_SLACK;
}
