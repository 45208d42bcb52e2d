/** Pillow's MULDIV255: a * b / 255, rounded, in integers. */
function mulDiv255(a: number, b: number): number {
  const t = a * b + 128;
  return ((t >> 8) + t) >> 8;
}

/**
 * CMYK as libjpeg hands it out for a CMYK JPEG, to RGB as Pillow gives it: Pillow reads the samples
 * as Adobe-inverted ("CMYK;I") and `convert('RGB')` takes each channel as (255 - K) - C·(255 - K)/255.
 */
export function jpegCmykToRgb(stored: Uint8Array): Uint8Array {
  const rgb = new Uint8Array((stored.length / 4) * 3);
  for (let i = 0, o = 0; o < rgb.length; i += 4, o += 3) {
    const notK = stored[i + 3]!; // 255 - K, as K is stored inverted
    rgb[o] = notK - mulDiv255(255 - stored[i]!, notK);
    rgb[o + 1] = notK - mulDiv255(255 - stored[i + 1]!, notK);
    rgb[o + 2] = notK - mulDiv255(255 - stored[i + 2]!, notK);
  }
  return rgb;
}
