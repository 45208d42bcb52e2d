import { unpackLowDepthRow } from './png-low-depth.js';
import type { PngHeader } from './png-structure.js';

type Pass = readonly [x0: number, y0: number, dx: number, dy: number];

const WHOLE_IMAGE: readonly Pass[] = [[0, 0, 1, 1]];
const ADAM7_PASSES: readonly Pass[] = [
  [0, 0, 8, 8],
  [4, 0, 8, 8],
  [0, 4, 4, 8],
  [2, 0, 4, 4],
  [0, 2, 2, 4],
  [1, 0, 2, 2],
  [0, 1, 1, 2],
];

interface SubImage {
  x0: number;
  y0: number;
  dx: number;
  dy: number;
  width: number;
  height: number;
  rowBytes: number;
}

/** The reduced images the scanlines come in: the whole image, or the non-empty Adam7 passes. */
function subImages(header: PngHeader, samplesPerPixel: number): SubImage[] {
  const bitsPerPixel = samplesPerPixel * header.bitDepth;
  const passes = header.interlaceMethod === 1 ? ADAM7_PASSES : WHOLE_IMAGE;
  return passes
    .map(([x0, y0, dx, dy]) => {
      const width = Math.max(0, Math.ceil((header.width - x0) / dx));
      const height = Math.max(0, Math.ceil((header.height - y0) / dy));
      return { x0, y0, dx, dy, width, height, rowBytes: Math.ceil((width * bitsPerPixel) / 8) };
    })
    .filter((pass) => pass.width > 0 && pass.height > 0);
}

/** Bytes of the inflated image data: every scanline with its filter-type byte. */
export function scanlineBytes(header: PngHeader, samplesPerPixel: number): number {
  return subImages(header, samplesPerPixel).reduce((n, pass) => n + pass.height * (pass.rowBytes + 1), 0);
}

/** Reverses one scanline's filter in place; `up` is the unfiltered row above (zeros for the first). */
function unfilterRow(filter: number, row: Uint8Array, up: Uint8Array, bpp: number): void {
  const n = row.length;
  switch (filter) {
    case 0:
      return;
    case 1:
      for (let i = bpp; i < n; i++) row[i] = row[i]! + row[i - bpp]!;
      return;
    case 2:
      for (let i = 0; i < n; i++) row[i] = row[i]! + up[i]!;
      return;
    case 3:
      for (let i = 0; i < bpp; i++) row[i] = row[i]! + (up[i]! >> 1);
      for (let i = bpp; i < n; i++) row[i] = row[i]! + ((row[i - bpp]! + up[i]!) >> 1);
      return;
    case 4:
      for (let i = 0; i < bpp; i++) row[i] = row[i]! + up[i]!;
      for (let i = bpp; i < n; i++) {
        const left = row[i - bpp]!;
        const above = up[i]!;
        const aboveLeft = up[i - bpp]!;
        const toLeft = Math.abs(above - aboveLeft);
        const toAbove = Math.abs(left - aboveLeft);
        const toAboveLeft = Math.abs(left + above - 2 * aboveLeft);
        const predictor = toLeft <= toAbove && toLeft <= toAboveLeft ? left : toAbove <= toAboveLeft ? above : aboveLeft;
        row[i] = row[i]! + predictor;
      }
      return;
    default:
      throw new Error(`a scanline has the unknown filter type ${filter}`);
  }
}

/** Writes an unfiltered row of `pass` into the full image: one byte per sample below 8 bits. */
function placeRow(row: Uint8Array, pass: SubImage, y: number, imageWidth: number, depth: number, pixelBytes: number, out: Uint8Array): void {
  if (depth < 8) {
    unpackLowDepthRow(row, pass.width, depth, out, y * imageWidth + pass.x0, pass.dx);
  } else if (pass.dx === 1) {
    out.set(row, y * imageWidth * pixelBytes);
  } else {
    for (let x = 0; x < pass.width; x++) {
      const target = (y * imageWidth + pass.x0 + x * pass.dx) * pixelBytes;
      for (let b = 0; b < pixelBytes; b++) out[target + b] = row[x * pixelBytes + b]!;
    }
  }
}

/**
 * Turns inflated PNG image data into the image's samples, row-major and interleaved: one byte per
 * sample for depths up to 8 (1/2/4-bit samples unpacked, not scaled), two big-endian bytes for 16.
 * Unfilters in place, so `raw` is consumed.
 */
export function unfilterScanlines(raw: Uint8Array, header: PngHeader, samplesPerPixel: number): Uint8Array {
  const { width, height, bitDepth } = header;
  const bytesPerSample = bitDepth === 16 ? 2 : 1;
  const pixelBytes = samplesPerPixel * bytesPerSample;
  const filterDistance = Math.max(1, (samplesPerPixel * bitDepth) / 8);
  const out = new Uint8Array(width * height * pixelBytes);
  let at = 0;
  for (const pass of subImages(header, samplesPerPixel)) {
    let up: Uint8Array = new Uint8Array(pass.rowBytes);
    for (let py = 0; py < pass.height; py++) {
      const row = raw.subarray(at + 1, at + 1 + pass.rowBytes);
      unfilterRow(raw[at]!, row, up, filterDistance);
      placeRow(row, pass, pass.y0 + py * pass.dy, width, bitDepth, pixelBytes, out);
      up = row;
      at += pass.rowBytes + 1;
    }
  }
  return out;
}
