/** Channel counts of 8-bit images: 1 = L, 2 = LA, 3 = RGB, 4 = RGBA. */
export type ChannelCount = 1 | 2 | 3 | 4;

/**
 * Decoded 8-bit pixels, interleaved (height × width × channels), row-major.
 * This is what every image input is turned into before processing.
 */
export interface RawImage {
  data: Uint8Array | Uint8ClampedArray;
  width: number;
  height: number;
  channels: ChannelCount;
}
