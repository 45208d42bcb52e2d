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

/** Which byte of a 16-bit sample is kept: the most significant (pixels) or the least (label maps). */
export type SixteenBitByte = 'high' | 'low';

/**
 * Unfilters inflated PNG image data as it arrives and writes the image's samples, row-major and
 * interleaved, one byte each: 1/2/4-bit samples unpacked (not scaled), 16-bit ones narrowed to the
 * byte `sixteenBit` names. Only two scanlines are held besides the image itself.
 */
export class ScanlineDecoder {
  /** The image's samples, complete once every scanline was pushed. */
  readonly samples: Uint8Array;
  readonly #header: PngHeader;
  readonly #samplesPerPixel: number;
  readonly #sixteenBit: SixteenBitByte;
  readonly #filterDistance: number;
  readonly #passes: SubImage[];
  #pass = 0;
  #passRow = 0;
  /** The scanline being filled (filter byte first) and the unfiltered one above it. */
  #line: Uint8Array;
  #above: Uint8Array;
  #filled = 0;
  #largest16 = 0;

  constructor(header: PngHeader, samplesPerPixel: number, sixteenBit: SixteenBitByte) {
    this.#header = header;
    this.#samplesPerPixel = samplesPerPixel;
    this.#sixteenBit = sixteenBit;
    this.#filterDistance = Math.max(1, (samplesPerPixel * header.bitDepth) / 8);
    this.#passes = subImages(header, samplesPerPixel);
    const longest = Math.max(...this.#passes.map((pass) => pass.rowBytes)) + 1;
    this.#line = new Uint8Array(longest);
    this.#above = new Uint8Array(longest);
    this.samples = new Uint8Array(header.width * header.height * samplesPerPixel);
  }

  /** The largest 16-bit sample seen, when the low bytes are kept (a label map must fit in them). */
  get largest16(): number {
    return this.#largest16;
  }

  /** Takes the next bytes of inflated data; bytes past the last scanline are ignored. */
  push(piece: Uint8Array): void {
    let at = 0;
    while (at < piece.length && this.#pass < this.#passes.length) {
      const pass = this.#passes[this.#pass]!;
      const taken = Math.min(pass.rowBytes + 1 - this.#filled, piece.length - at);
      this.#line.set(piece.subarray(at, at + taken), this.#filled);
      this.#filled += taken;
      at += taken;
      if (this.#filled === pass.rowBytes + 1) this.#finishLine(pass);
    }
  }

  #finishLine(pass: SubImage): void {
    const row = this.#line.subarray(1, pass.rowBytes + 1);
    unfilterRow(this.#line[0]!, row, this.#above.subarray(1, pass.rowBytes + 1), this.#filterDistance);
    this.#place(row, pass, pass.y0 + this.#passRow * pass.dy);
    [this.#line, this.#above] = [this.#above, this.#line];
    this.#filled = 0;
    if (++this.#passRow === pass.height) {
      this.#pass++;
      this.#passRow = 0;
      this.#above.fill(0);
    }
  }

  /** Writes an unfiltered row of `pass` into the image at row `y`. */
  #place(row: Uint8Array, pass: SubImage, y: number): void {
    const { width, bitDepth } = this.#header;
    const spp = this.#samplesPerPixel;
    const out = this.samples;
    if (bitDepth < 8) {
      unpackLowDepthRow(row, pass.width, bitDepth, out, y * width + pass.x0, pass.dx);
    } else if (bitDepth === 8 && pass.dx === 1) {
      out.set(row, y * width * spp);
    } else if (bitDepth === 8) {
      for (let x = 0; x < pass.width; x++) {
        const target = (y * width + pass.x0 + x * pass.dx) * spp;
        for (let s = 0; s < spp; s++) out[target + s] = row[x * spp + s]!;
      }
    } else {
      this.#placeSixteenBit(row, pass, y);
    }
  }

  #placeSixteenBit(row: Uint8Array, pass: SubImage, y: number): void {
    const spp = this.#samplesPerPixel;
    const out = this.samples;
    const low = this.#sixteenBit === 'low' ? 1 : 0;
    for (let x = 0; x < pass.width; x++) {
      const target = (y * this.#header.width + pass.x0 + x * pass.dx) * spp;
      for (let s = 0; s < spp; s++) {
        const at = 2 * (x * spp + s);
        out[target + s] = row[at + low]!;
        if (low) this.#largest16 = Math.max(this.#largest16, (row[at]! << 8) | row[at + 1]!);
      }
    }
  }
}
