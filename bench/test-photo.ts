// The end-to-end input: a deterministic 4032x3024 photo-like RGB PNG (smooth lighting, a few soft
// shapes, sensor-like noise), encoded here so that every run and every contender gets the same bytes.
import { crc32, deflateSync } from 'node:zlib';

export const PHOTO_WIDTH = 4032;
export const PHOTO_HEIGHT = 3024;

function chunk(type: string, data: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const typed = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(typed));
  return Buffer.concat([length, typed, crc]);
}

/** Scanlines with PNG filter 1 (Sub) on every row: each byte minus the same channel one pixel left. */
function filteredScanlines(rgb: Uint8Array, width: number, height: number): Buffer {
  const stride = width * 3;
  const out = Buffer.alloc((stride + 1) * height);
  for (let y = 0; y < height; y++) {
    const row = y * stride;
    const target = y * (stride + 1);
    out[target] = 1;
    for (let i = 0; i < stride; i++) out[target + 1 + i] = (rgb[row + i]! - (i >= 3 ? rgb[row + i - 3]! : 0)) & 255;
  }
  return out;
}

function photoPixels(width: number, height: number): Uint8Array {
  const rgb = new Uint8Array(width * height * 3);
  let state = 0x2545f491;
  const shapes = [
    { x: 0.3, y: 0.55, r: 0.18, color: [200, 120, 60] },
    { x: 0.7, y: 0.4, r: 0.12, color: [40, 90, 170] },
    { x: 0.55, y: 0.8, r: 0.22, color: [70, 150, 80] },
  ];
  for (let y = 0, p = 0; y < height; y++) {
    const v = y / height;
    for (let x = 0; x < width; x++) {
      const u = x / width;
      // Sky-to-ground lighting.
      let r = 120 + 90 * (1 - v) * Math.cos(u * 2.1);
      let g = 140 + 70 * (1 - v);
      let b = 170 + 60 * (1 - v) - 80 * v;
      for (const shape of shapes) {
        const d = Math.hypot(u - shape.x, (v - shape.y) * 0.75) / shape.r;
        const weight = d < 1 ? 1 - d * d : 0;
        r += (shape.color[0]! - r) * weight;
        g += (shape.color[1]! - g) * weight;
        b += (shape.color[2]! - b) * weight;
      }
      state ^= state << 13;
      state ^= state >>> 17;
      state ^= state << 5;
      const noise = ((state >>> 0) % 9) - 4;
      rgb[p++] = Math.min(255, Math.max(0, Math.round(r + noise)));
      rgb[p++] = Math.min(255, Math.max(0, Math.round(g + noise)));
      rgb[p++] = Math.min(255, Math.max(0, Math.round(b + noise)));
    }
  }
  return rgb;
}

/** The PNG file bytes (8-bit RGB, no colour chunks, so browsers decode it without conversion). */
export function encodeTestPhoto(): Buffer {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(PHOTO_WIDTH, 0);
  header.writeUInt32BE(PHOTO_HEIGHT, 4);
  header.set([8, 2, 0, 0, 0], 8); // depth 8, colour type RGB, deflate, adaptive filtering, no interlace
  const idat = deflateSync(filteredScanlines(photoPixels(PHOTO_WIDTH, PHOTO_HEIGHT), PHOTO_WIDTH, PHOTO_HEIGHT), { level: 6 });
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', idat),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}
