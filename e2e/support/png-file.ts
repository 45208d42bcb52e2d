// Writes PNG files for the decoding tests, independently of the decoder under test: gray or RGB, 8 or
// 16 bits, optionally Adam7-interlaced, with extra chunks before the image data; no row filters.
import { crc32, deflateSync } from 'node:zlib';

export interface PngSpec {
  width: number;
  height: number;
  channels: 1 | 3;
  bitDepth: 8 | 16;
  /** Interleaved samples, row-major. */
  samples: ArrayLike<number>;
  interlaced?: boolean;
  /** Ancillary chunks, written between IHDR and IDAT. */
  chunks?: Array<[type: string, body: Uint8Array]>;
}

/** Adam7 passes: first column, first row, column step, row step. */
const ADAM7 = [
  [0, 0, 8, 8],
  [4, 0, 8, 8],
  [0, 4, 4, 8],
  [2, 0, 4, 4],
  [0, 2, 2, 4],
  [1, 0, 2, 2],
  [0, 1, 1, 2],
] as const;

function chunk(type: string, body: Uint8Array): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(body.length);
  const typed = Buffer.concat([Buffer.from(type, 'latin1'), body]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(typed));
  return Buffer.concat([length, typed, crc]);
}

function scanlines({ width, height, channels, bitDepth, samples, interlaced }: PngSpec): Buffer {
  const passes = interlaced ? ADAM7 : [[0, 0, 1, 1] as const];
  const bytes: number[] = [];
  for (const [x0, y0, dx, dy] of passes) {
    for (let y = y0; y < height; y += dy) {
      if (x0 >= width) continue;
      bytes.push(0);
      for (let x = x0; x < width; x += dx) {
        for (let c = 0; c < channels; c++) {
          const sample = samples[(y * width + x) * channels + c]!;
          if (bitDepth === 16) bytes.push(sample >> 8);
          bytes.push(sample & 0xff);
        }
      }
    }
  }
  return Buffer.from(bytes);
}

export function encodePng(spec: PngSpec): Buffer {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(spec.width, 0);
  header.writeUInt32BE(spec.height, 4);
  header.set([spec.bitDepth, spec.channels === 1 ? 0 : 2, 0, 0, spec.interlaced ? 1 : 0], 8);
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    ...(spec.chunks ?? []).map(([type, body]) => chunk(type, body)),
    chunk('IDAT', deflateSync(scanlines(spec))),
    chunk('IEND', new Uint8Array()),
  ]);
}
