import type { RawImage } from './raw-image.js';

/** EXIF Orientation, 1 (as stored) to 8. */
export type ExifOrientation = 1 | 2 | 3 | 4 | 5 | 6 | 7 | 8;

const ORIENTATION_TAG = 0x0112;
const TYPE_SHORT = 3;
const TYPE_LONG = 4;
const EXIF_PREFIX = [0x45, 0x78, 0x69, 0x66, 0, 0]; // "Exif\0\0"

/**
 * Reads the Orientation tag of IFD0 from EXIF data (a TIFF structure, optionally behind the
 * "Exif\0\0" prefix that JPEG APP1 uses). Returns undefined when absent, malformed or out of 1..8.
 */
export function readExifOrientation(exif: Uint8Array): ExifOrientation | undefined {
  const hasPrefix = EXIF_PREFIX.every((b, i) => exif[i] === b);
  const tiff = hasPrefix ? exif.subarray(EXIF_PREFIX.length) : exif;
  if (tiff.length < 8) return undefined;
  const view = new DataView(tiff.buffer, tiff.byteOffset, tiff.byteLength);
  const order = view.getUint16(0);
  if (order !== 0x4949 && order !== 0x4d4d) return undefined; // "II" little-endian, "MM" big-endian
  const little = order === 0x4949;
  if (view.getUint16(2, little) !== 42) return undefined;
  const ifd = view.getUint32(4, little);
  if (ifd + 2 > tiff.length) return undefined;
  const entries = view.getUint16(ifd, little);
  for (let i = 0; i < entries; i++) {
    const entry = ifd + 2 + i * 12;
    if (entry + 12 > tiff.length) return undefined;
    if (view.getUint16(entry, little) !== ORIENTATION_TAG) continue;
    const type = view.getUint16(entry + 2, little);
    const value = type === TYPE_SHORT ? view.getUint16(entry + 8, little) : type === TYPE_LONG ? view.getUint32(entry + 8, little) : 0;
    return value >= 1 && value <= 8 ? (value as ExifOrientation) : undefined;
  }
  return undefined;
}

/**
 * Turns the stored pixels upright, like Pillow's `ImageOps.exif_transpose`: 2 mirror,
 * 3 rotate 180°, 4 flip vertically, 5 transpose, 6 rotate 90° clockwise, 7 transverse,
 * 8 rotate 90° counter-clockwise. Orientations 5-8 swap width and height.
 */
export function applyExifOrientation(image: RawImage, orientation: ExifOrientation): RawImage {
  if (orientation === 1) return image;
  const { width: w, height: h, channels, data } = image;
  // For output pixel (x, y), the source pixel index is origin + x * stepX + y * stepY.
  const walks: Record<Exclude<ExifOrientation, 1>, [origin: number, stepX: number, stepY: number]> = {
    2: [w - 1, -1, w],
    3: [h * w - 1, -1, -w],
    4: [(h - 1) * w, 1, -w],
    5: [0, w, 1],
    6: [(h - 1) * w, -w, 1],
    7: [h * w - 1, -w, -1],
    8: [w - 1, w, -1],
  };
  const [origin, stepX, stepY] = walks[orientation];
  const swapsAxes = orientation >= 5;
  const outWidth = swapsAxes ? h : w;
  const outHeight = swapsAxes ? w : h;
  const out = new Uint8Array(data.length);
  let target = 0;
  for (let y = 0; y < outHeight; y++) {
    let source = origin + y * stepY;
    for (let x = 0; x < outWidth; x++, source += stepX) {
      for (let c = 0; c < channels; c++) out[target++] = data[source * channels + c]!;
    }
  }
  return { data: out, width: outWidth, height: outHeight, channels };
}
