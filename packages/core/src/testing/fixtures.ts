// Test-only helpers that read the golden fixtures in ../shared/fixtures (never written by tests).
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface BinDescriptor {
  file: string;
  shape: number[];
  dtype: 'float32' | 'int32' | 'uint8' | 'bool';
}

function findFixturesRoot(): string {
  const fromEnv = process.env.RETINA_FIXTURES;
  if (fromEnv) return resolve(fromEnv);
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const candidate = join(dir, 'shared', 'fixtures');
    if (existsSync(join(candidate, 'README.md'))) return candidate;
    const parent = dirname(dir);
    if (parent === dir) {
      throw new Error('Cannot find shared/fixtures beside the checkout; set RETINA_FIXTURES to its path.');
    }
    dir = parent;
  }
}

export const fixturesRoot = findFixturesRoot();

export function fixturePath(...parts: string[]): string {
  return join(fixturesRoot, ...parts);
}

export function readJson<T = any>(...parts: string[]): T {
  return JSON.parse(readFileSync(fixturePath(...parts), 'utf8')) as T;
}

export function readBytes(...parts: string[]): Uint8Array {
  const buf = readFileSync(fixturePath(...parts));
  return new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength);
}

/** Reads a `.bin` tensor; `base` is the folder its descriptor's path is relative to. */
export function readBin(desc: BinDescriptor, ...base: string[]): Float32Array | Int32Array | Uint8Array {
  const bytes = readBytes(...base, desc.file);
  const copy = bytes.slice().buffer;
  const expected = desc.shape.reduce((a, b) => a * b, 1);
  const out = desc.dtype === 'float32' ? new Float32Array(copy) : desc.dtype === 'int32' ? new Int32Array(copy) : new Uint8Array(copy);
  if (out.length !== expected) throw new Error(`${desc.file}: ${out.length} elements, shape says ${expected}`);
  return out;
}

export interface ImageEntry {
  id: string;
  png: string;
  mode: 'L' | 'LA' | 'RGB' | 'RGBA' | 'P';
  width: number;
  height: number;
  raw: BinDescriptor & { layout: 'HWC' | 'HW' };
  palette?: number[];
  palette_transparency?: number[];
  exif_orientation?: number;
}

export function imageIndex(): ImageEntry[] {
  const index = readJson('images', 'index.json');
  return Array.isArray(index) ? index : index.images;
}

export interface JpegEntry {
  id: string;
  jpg: string;
  /** The pixels as Pillow 9.4 decodes the file (L 1 channel, RGB 3, CMYK converted to RGB). */
  bin: string;
  decoded_mode: 'L' | 'RGB' | 'CMYK';
  channels: 1 | 3;
  width: number;
  height: number;
}

export function jpegIndex(): JpegEntry[] {
  return readJson('jpeg', 'index.json').cases;
}

/** Largest |a - b| over two equally long arrays. */
export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new Error(`length ${a.length} vs ${b.length}`);
  let max = 0;
  for (let i = 0; i < a.length; i++) max = Math.max(max, Math.abs(a[i]! - b[i]!));
  return max;
}

/** Count of positions where two equally long arrays differ. */
export function countMismatches(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new Error(`length ${a.length} vs ${b.length}`);
  let n = 0;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) n++;
  return n;
}
