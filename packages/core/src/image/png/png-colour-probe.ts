// A tiny PNG carrying colour chunks (iCCP, gAMA, cHRM, sRGB) whose values are far from sRGB: a decoder
// that honours them changes its samples, one that leaves them as stored (as Pillow does) does not. Built
// at run time: its samples are known without a reference decoder.
import { buildIccProfile, DISPLAY_P3_LIKE, LINEAR_GRAY } from '../icc-profile.js';
import { crc32 } from './crc32.js';

/** The chunks by which a PNG asks for colour management. */
export const COLOUR_CHUNKS = ['iCCP', 'gAMA', 'cHRM', 'sRGB'] as const;
export type ColourChunk = (typeof COLOUR_CHUNKS)[number];

const WIDTH = 4;
const HEIGHT = 2;

function chunk(type: string, body: Uint8Array): Uint8Array {
  const out = new Uint8Array(12 + body.length);
  const view = new DataView(out.buffer);
  view.setUint32(0, body.length);
  for (let i = 0; i < 4; i++) out[4 + i] = type.charCodeAt(i);
  out.set(body, 8);
  view.setUint32(8 + body.length, crc32(out.subarray(4, 8 + body.length)));
  return out;
}

function adler32(bytes: Uint8Array): number {
  let a = 1;
  let b = 0;
  for (const byte of bytes) {
    a = (a + byte) % 65521;
    b = (b + a) % 65521;
  }
  return ((b << 16) | a) >>> 0;
}

/** A zlib stream of one stored (uncompressed) deflate block: valid, and all a few bytes need. */
function storedZlib(data: Uint8Array): Uint8Array {
  const out = new Uint8Array(2 + 5 + data.length + 4);
  const view = new DataView(out.buffer);
  out.set([0x78, 0x01, 0x01], 0);
  view.setUint16(3, data.length, true);
  view.setUint16(5, ~data.length & 0xffff, true);
  out.set(data, 7);
  view.setUint32(7 + data.length, adler32(data));
  return out;
}

function uint32s(values: number[]): Uint8Array {
  const out = new Uint8Array(values.length * 4);
  values.forEach((value, i) => new DataView(out.buffer).setUint32(i * 4, value));
  return out;
}

function colourChunk(type: ColourChunk, gray: boolean): Uint8Array {
  switch (type) {
    case 'iCCP': {
      const name = Array.from('probe\0', (c) => c.charCodeAt(0));
      const profile = storedZlib(buildIccProfile(gray ? LINEAR_GRAY : DISPLAY_P3_LIKE));
      return chunk(type, Uint8Array.from([...name, 0, ...profile]));
    }
    case 'gAMA':
      return chunk(type, uint32s([100000])); // linear samples
    case 'cHRM':
      return chunk(type, uint32s([31270, 32900, 68000, 32000, 26500, 69000, 15000, 6000])); // D65, P3 primaries
    case 'sRGB':
      return chunk(type, Uint8Array.of(0)); // perceptual
  }
}

/** The probe file, 8-bit gray or RGB, and the samples it stores (mid-tones, which any conversion moves). */
export function colourProbe(
  gray: boolean,
  chunks: readonly ColourChunk[],
): { png: Uint8Array; width: number; height: number; samples: Uint8Array } {
  const channels = gray ? 1 : 3;
  const samples = Uint8Array.from({ length: WIDTH * HEIGHT * channels }, (_, i) => 40 + ((i * 53) % 180));
  const rows = new Uint8Array(HEIGHT * (1 + WIDTH * channels));
  for (let y = 0; y < HEIGHT; y++)
    rows.set(samples.subarray(y * WIDTH * channels, (y + 1) * WIDTH * channels), y * (1 + WIDTH * channels) + 1);
  const header = new Uint8Array(13);
  new DataView(header.buffer).setUint32(0, WIDTH);
  new DataView(header.buffer).setUint32(4, HEIGHT);
  header.set([8, gray ? 0 : 2, 0, 0, 0], 8);
  const parts = [
    Uint8Array.of(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a),
    chunk('IHDR', header),
    ...chunks.map((type) => colourChunk(type, gray)),
    chunk('IDAT', storedZlib(rows)),
    chunk('IEND', new Uint8Array(0)),
  ];
  const png = new Uint8Array(parts.reduce((n, part) => n + part.length, 0));
  parts.reduce((at, part) => (png.set(part, at), at + part.length), 0);
  return { png, width: WIDTH, height: HEIGHT, samples };
}
