// LA and RGBA: Pillow resizes them premultiplied (La / RGBa) and converts back.

/** Colour channels times alpha / 255, rounded as Pillow's MULDIV255. */
export function premultiply(src: Uint8Array, channels: number): Uint8Array {
  const out = new Uint8Array(src.length);
  const alphaOffset = channels - 1;
  for (let p = 0; p < src.length; p += channels) {
    const alpha = src[p + alphaOffset]!;
    for (let c = 0; c < alphaOffset; c++) {
      const t = src[p + c]! * alpha + 128;
      out[p + c] = ((t >> 8) + t) >> 8;
    }
    out[p + alphaOffset] = alpha;
  }
  return out;
}

/** Inverse of premultiply with Pillow's truncating division; alpha 0 and 255 are left as is. */
export function unpremultiply(data: Uint8Array, channels: number): void {
  const alphaOffset = channels - 1;
  for (let p = 0; p < data.length; p += channels) {
    const alpha = data[p + alphaOffset]!;
    if (alpha === 0 || alpha === 255) continue;
    for (let c = 0; c < alphaOffset; c++) data[p + c] = Math.min(Math.trunc((255 * data[p + c]!) / alpha), 255);
  }
}
