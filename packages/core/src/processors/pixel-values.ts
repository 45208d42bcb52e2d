import type { RawImage } from '../image/raw-image.js';

/** Rescale and normalise settings of a processor, applied per channel. */
export interface PixelTransform {
  doRescale: boolean;
  rescaleFactor: number;
  doNormalize: boolean;
  imageMean: readonly number[];
  imageStd: readonly number[];
}

/** A height × width window in source pixels; the parts outside the image read as zeros. */
export interface PixelWindow {
  top: number;
  left: number;
  height: number;
  width: number;
  /**
   * The output value outside the image. By default a zero pixel's, rescaled and normalised (the center
   * crop pads the uint8 image); DPT pads after normalising, with 0.
   */
  outside?: number;
}

/**
 * The reference's center crop: `top = (H - h) // 2` (floor, so negative when the image is smaller),
 * and zero padding wherever the window leaves the image.
 */
export function centerCropWindow(width: number, height: number, cropWidth: number, cropHeight: number): PixelWindow {
  return {
    top: Math.floor((height - cropHeight) / 2),
    left: Math.floor((width - cropWidth) / 2),
    height: cropHeight,
    width: cropWidth,
  };
}

export function fullWindow(image: { width: number; height: number }): PixelWindow {
  return { top: 0, left: 0, height: image.height, width: image.width };
}

/**
 * One float32 table per RGB channel mapping each uint8 value to its output. Every image pixel
 * is uint8 when it gets here, so a 256-entry table reproduces the reference's arithmetic exactly:
 * `float32(u8 * rescale_factor)` in float64, then `(x - float32(mean)) / float32(std)` in float32.
 */
export function channelTables(t: PixelTransform): Float32Array[] {
  return [0, 1, 2].map((c) => {
    const table = new Float32Array(256);
    const mean = Math.fround(t.imageMean[c]!);
    const std = Math.fround(t.imageStd[c]!);
    for (let v = 0; v < 256; v++) {
      let x = t.doRescale ? Math.fround(v * t.rescaleFactor) : v;
      if (t.doNormalize) x = Math.fround(Math.fround(x - mean) / std);
      table[v] = x;
    }
    return table;
  });
}

/**
 * Writes `window` of `image` as channel-first RGB floats at `out[offset..]`. `bands` is 1 for gray
 * images (replicated to RGB, as convert("RGB") does) or 3; other channels (alpha) are skipped.
 */
export function writePixelValues(
  image: RawImage,
  bands: 1 | 3,
  window: PixelWindow,
  tables: Float32Array[],
  out: Float32Array,
  offset: number,
): void {
  const { data, width, height, channels } = image;
  const plane = window.height * window.width;
  const xStart = Math.max(0, -window.left);
  const xEnd = Math.min(window.width, width - window.left);
  for (let c = 0; c < 3; c++) {
    const table = tables[c]!;
    const zero = window.outside ?? table[0]!;
    const band = bands === 1 ? 0 : c;
    const planeStart = offset + c * plane;
    out.fill(zero, planeStart, planeStart + plane);
    for (let y = 0; y < window.height; y++) {
      const sy = window.top + y;
      if (sy < 0 || sy >= height) continue;
      let src = (sy * width + window.left + xStart) * channels + band;
      let dst = planeStart + y * window.width + xStart;
      for (let x = xStart; x < xEnd; x++, src += channels) out[dst++] = table[data[src]!]!;
    }
  }
}
