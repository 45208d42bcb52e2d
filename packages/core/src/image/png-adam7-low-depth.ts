// fast-png 8.0.0 sizes Adam7 pass rows as whole bytes per pixel, which is wrong below 8 bits per
// sample (it then fails with "Unsupported filter"). Interlaced 1/2/4-bit gray and palette PNGs
// are therefore de-interlaced here; everything else goes through fast-png.
import { unpackLowDepthRow } from './png-low-depth.js';

const ADAM7_PASSES: ReadonlyArray<readonly [x0: number, y0: number, dx: number, dy: number]> = [
  [0, 0, 8, 8],
  [4, 0, 8, 8],
  [0, 4, 4, 8],
  [2, 0, 4, 4],
  [0, 2, 2, 4],
  [1, 0, 2, 2],
  [0, 1, 1, 2],
];

async function inflateZlib(pieces: Uint8Array[]): Promise<Uint8Array> {
  const stream = new Blob(pieces as BlobPart[]).stream().pipeThrough(new DecompressionStream('deflate'));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

function paeth(left: number, up: number, upLeft: number): number {
  const p = left + up - upLeft;
  const pa = Math.abs(p - left);
  const pb = Math.abs(p - up);
  const pc = Math.abs(p - upLeft);
  return pa <= pb && pa <= pc ? left : pb <= pc ? up : upLeft;
}

function predict(filter: number, left: number, up: number, upLeft: number): number {
  switch (filter) {
    case 0:
      return 0;
    case 1:
      return left;
    case 2:
      return up;
    case 3:
      return (left + up) >> 1;
    case 4:
      return paeth(left, up, upLeft);
    default:
      throw new Error(`unknown scanline filter type ${filter}`);
  }
}

/** Reverses a PNG scanline filter in place; `previous` is the unfiltered row above (or undefined). */
function unfilterRow(filter: number, row: Uint8Array, previous: Uint8Array | undefined): void {
  // Low-depth samples: the filter's byte distance is 1.
  for (let i = 0; i < row.length; i++) {
    const left = i > 0 ? row[i - 1]! : 0;
    const up = previous ? previous[i]! : 0;
    const upLeft = previous && i > 0 ? previous[i - 1]! : 0;
    row[i] = row[i]! + predict(filter, left, up, upLeft);
  }
}

/** Decodes an Adam7-interlaced PNG with one 1/2/4-bit sample per pixel into one byte per sample. */
export async function decodeAdam7LowDepth(
  imageData: Uint8Array[],
  width: number,
  height: number,
  depth: number,
): Promise<Uint8Array> {
  const raw = await inflateZlib(imageData);
  const samples = new Uint8Array(width * height);
  let at = 0;
  for (const [x0, y0, dx, dy] of ADAM7_PASSES) {
    const passWidth = Math.ceil((width - x0) / dx);
    const passHeight = Math.ceil((height - y0) / dy);
    if (passWidth <= 0 || passHeight <= 0) continue;
    const rowBytes = Math.ceil((passWidth * depth) / 8);
    let previous: Uint8Array | undefined;
    for (let py = 0; py < passHeight; py++) {
      if (at + 1 + rowBytes > raw.length) throw new Error('the compressed image data ends early');
      const row = raw.slice(at + 1, at + 1 + rowBytes);
      unfilterRow(raw[at]!, row, previous);
      unpackLowDepthRow(row, passWidth, depth, samples, (y0 + py * dy) * width + x0, dx);
      previous = row;
      at += 1 + rowBytes;
    }
  }
  return samples;
}
