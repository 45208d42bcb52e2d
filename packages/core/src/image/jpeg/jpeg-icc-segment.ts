// ICC profiles in JPEG files: APP2 segments whose payload starts with "ICC_PROFILE\0", then the chunk's
// sequence number and the chunk count (a profile over 64 KB spans several segments).

export const ICC_SIGNATURE = [0x49, 0x43, 0x43, 0x5f, 0x50, 0x52, 0x4f, 0x46, 0x49, 0x4c, 0x45, 0]; // "ICC_PROFILE\0"

const APP0 = 0xe0;
const APP2 = 0xe2;
const MAX_SEGMENT_PAYLOAD = 0xffff - 2 - ICC_SIGNATURE.length - 2;

/** The file with `profile` in one APP2 segment after SOI (and after a leading APP0 "JFIF" segment). */
export function insertIccProfile(jpeg: Uint8Array, profile: Uint8Array): Uint8Array {
  if (profile.length > MAX_SEGMENT_PAYLOAD)
    throw new RangeError(`An ICC profile over ${MAX_SEGMENT_PAYLOAD} bytes needs several segments.`);
  const at = jpeg[2] === 0xff && jpeg[3] === APP0 ? 4 + ((jpeg[4]! << 8) | jpeg[5]!) : 2;
  const length = 2 + ICC_SIGNATURE.length + 2 + profile.length;
  const segment = Uint8Array.from([0xff, APP2, length >> 8, length & 0xff, ...ICC_SIGNATURE, 1, 1, ...profile]);
  const out = new Uint8Array(jpeg.length + segment.length);
  out.set(jpeg.subarray(0, at));
  out.set(segment, at);
  out.set(jpeg.subarray(at), at + segment.length);
  return out;
}
