// A small PNG writer for tests, independent of the decoders under test: every colour type and bit
// depth, the five row filters in turn, Adam7, extra chunks before the image data.
import { crc32, deflateSync } from 'node:zlib';
import { concatBytes } from '../onnx/protobuf-writer.js';

export function chunk(type: string, body: Uint8Array): Uint8Array {
  const out = new Uint8Array(12 + body.length);
  const view = new DataView(out.buffer);
  view.setUint32(0, body.length);
  out.set(
    Array.from(type, (c) => c.charCodeAt(0)),
    4,
  );
  out.set(body, 8);
  view.setUint32(8 + body.length, crc32(out.subarray(4, 8 + body.length)));
  return out;
}

/** Packs samples (one per array entry, `depth` bits each; 16-bit as two bytes, big-endian) into bytes. */
function packRow(samples: number[], depth: number): Uint8Array {
  if (depth === 16) return Uint8Array.from(samples.flatMap((s) => [s >> 8, s & 0xff]));
  if (depth === 8) return Uint8Array.from(samples);
  const out = new Uint8Array(Math.ceil((samples.length * depth) / 8));
  samples.forEach((s, i) => {
    const bit = i * depth;
    out[bit >> 3]! |= s << (8 - depth - (bit & 7));
  });
  return out;
}

/** Applies PNG filter `type` to `row` (previous raw row `up`), bytes per pixel `bpp`. */
function filterRow(type: number, row: Uint8Array, up: Uint8Array | undefined, bpp: number): Uint8Array {
  const out = new Uint8Array(row.length + 1);
  out[0] = type;
  row.forEach((x, i) => {
    const a = i >= bpp ? row[i - bpp]! : 0;
    const b = up ? up[i]! : 0;
    const c = up && i >= bpp ? up[i - bpp]! : 0;
    const p = a + b - c;
    const nearest =
      Math.abs(p - a) <= Math.abs(p - b) && Math.abs(p - a) <= Math.abs(p - c) ? a : Math.abs(p - b) <= Math.abs(p - c) ? b : c;
    const predictor = [0, a, b, Math.floor((a + b) / 2), nearest][type]!;
    out[i + 1] = (x - predictor) & 0xff;
  });
  return out;
}

export interface PngSpec {
  width: number;
  height: number;
  depth: number;
  colorType: number;
  /** Samples per pixel, row-major, interleaved. */
  samples: number[];
  adam7?: boolean;
  chunksBeforeData?: Uint8Array[];
}

export const SAMPLES_PER_PIXEL: Record<number, number> = { 0: 1, 2: 3, 3: 1, 4: 2, 6: 4 };
const ADAM7 = [
  [0, 0, 8, 8],
  [4, 0, 8, 8],
  [0, 4, 4, 8],
  [2, 0, 4, 4],
  [0, 2, 2, 4],
  [1, 0, 2, 2],
  [0, 1, 1, 2],
] as const;

export function buildPng(spec: PngSpec): Uint8Array {
  const { width, height, depth, colorType, samples } = spec;
  const spp = SAMPLES_PER_PIXEL[colorType]!;
  const bpp = Math.max(1, (spp * depth) / 8);
  const pixel = (x: number, y: number) => samples.slice((y * width + x) * spp, (y * width + x + 1) * spp);
  const passes = spec.adam7 ? ADAM7 : ([[0, 0, 1, 1]] as const);
  const lines: Uint8Array[] = [];
  let filterType = 0;
  for (const [x0, y0, dx, dy] of passes) {
    if (x0 >= width || y0 >= height) continue;
    let up: Uint8Array | undefined;
    for (let y = y0; y < height; y += dy) {
      const rowSamples: number[] = [];
      for (let x = x0; x < width; x += dx) rowSamples.push(...pixel(x, y));
      const raw = packRow(rowSamples, depth);
      lines.push(filterRow(filterType++ % 5, raw, up, bpp));
      up = raw;
    }
  }
  const header = new Uint8Array(13);
  const view = new DataView(header.buffer);
  view.setUint32(0, width);
  view.setUint32(4, height);
  header.set([depth, colorType, 0, 0, spec.adam7 ? 1 : 0], 8);
  return concatBytes([
    Uint8Array.of(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a),
    chunk('IHDR', header),
    ...(spec.chunksBeforeData ?? []),
    chunk('IDAT', deflateSync(concatBytes(lines))),
    chunk('IEND', new Uint8Array(0)),
  ]);
}
