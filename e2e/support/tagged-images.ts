// Fixture files with colour tags inserted, whose pixels Pillow leaves as they are (it ignores ICC profiles,
// gAMA, cHRM and sRGB when it decodes): JPEGs with an APP2 ICC profile and PNGs with iCCP, gAMA + cHRM or
// sRGB chunks. Written where the e2e server serves /generated/.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { deflateSync } from 'node:zlib';
import { buildIccProfile, type GrayIccProfile, type RgbIccProfile } from '../../packages/core/src/image/icc-profile.js';
import { insertIccProfile } from '../../packages/core/src/image/jpeg/jpeg-icc-segment.js';
import { chunk } from '../../packages/core/src/testing/png-writer.js';
import { fixtureFile } from './fixtures.js';
import { generatedRoot } from './paths.js';

/** Adobe RGB (1998) as its published profile states it (D50 colorants, gamma 563/256). */
const ADOBE_RGB: RgbIccProfile = {
  kind: 'rgb',
  description: 'Adobe RGB (1998) compatible',
  red: [0.60974, 0.31111, 0.01947],
  green: [0.20528, 0.62567, 0.06087],
  blue: [0.14919, 0.06322, 0.74457],
  gamma: 563 / 256,
};
/** ProPhoto RGB (ROMM), gamma 1.8. */
const PROPHOTO_RGB: RgbIccProfile = {
  kind: 'rgb',
  description: 'ProPhoto RGB compatible',
  red: [0.7977, 0.288, 0],
  green: [0.1352, 0.7119, 0],
  blue: [0.0313, 0.0001, 0.8249],
  gamma: 1.8,
};
const GRAY_GAMMA_18: GrayIccProfile = { kind: 'gray', description: 'Gray gamma 1.8', gamma: 1.8 };

export interface TaggedImage {
  name: string;
  /** The fixture file the tags are inserted into, and Pillow's pixels of it. */
  source: string;
  pixels: string;
  width: number;
  height: number;
  channels: number;
  make: (file: Uint8Array) => Uint8Array;
}

const IHDR_END = 8 + 25;

function withPngChunks(png: Uint8Array, chunks: Uint8Array[]): Uint8Array {
  return Buffer.concat([png.subarray(0, IHDR_END), ...chunks, png.subarray(IHDR_END)]);
}

const iccp = (profile: RgbIccProfile) =>
  chunk('iCCP', Buffer.concat([Buffer.from('probe\0\0', 'latin1'), deflateSync(buildIccProfile(profile))]));
function bigEndian(values: number[]): Uint8Array {
  const bytes = Buffer.alloc(values.length * 4);
  values.forEach((value, i) => bytes.writeUInt32BE(value, i * 4));
  return bytes;
}

/** gAMA: the encoding gamma × 100000 (1.0: linear samples, which a colour-managing decoder brightens). */
const gama = (gamma: number) => chunk('gAMA', bigEndian([Math.round(gamma * 100000)]));
/** cHRM of Adobe RGB (white, red, green, blue chromaticities × 100000). */
const CHRM = chunk('cHRM', bigEndian([31270, 32900, 64000, 33000, 21000, 71000, 15000, 6000]));

export const TAGGED_IMAGES: TaggedImage[] = [
  {
    name: 'chelsea-420-adobe-rgb.jpg',
    source: 'jpeg/chelsea-q75-420.jpg',
    pixels: '/fixtures/jpeg/chelsea-q75-420.bin',
    width: 451,
    height: 300,
    channels: 3,
    make: (file) => insertIccProfile(file, buildIccProfile(ADOBE_RGB)),
  },
  {
    name: 'chelsea-444-prophoto.jpg',
    source: 'jpeg/chelsea-q95-444.jpg',
    pixels: '/fixtures/jpeg/chelsea-q95-444.bin',
    width: 451,
    height: 300,
    channels: 3,
    make: (file) => insertIccProfile(file, buildIccProfile(PROPHOTO_RGB)),
  },
  {
    name: 'camera-gray-gamma-18.jpg',
    source: 'jpeg/camera-gray.jpg',
    pixels: '/fixtures/jpeg/camera-gray.bin',
    width: 512,
    height: 512,
    channels: 1,
    make: (file) => insertIccProfile(file, buildIccProfile(GRAY_GAMMA_18)),
  },
  {
    name: 'chelsea-iccp-adobe-rgb.png',
    source: 'images/chelsea.png',
    pixels: '/fixtures/images/chelsea.bin',
    width: 451,
    height: 300,
    channels: 3,
    make: (file) => withPngChunks(file, [iccp(ADOBE_RGB)]),
  },
  {
    name: 'chelsea-gamma-1-chrm.png',
    source: 'images/chelsea.png',
    pixels: '/fixtures/images/chelsea.bin',
    width: 451,
    height: 300,
    channels: 3,
    make: (file) => withPngChunks(file, [gama(1), CHRM]),
  },
  {
    name: 'camera-gamma-1.png',
    source: 'images/camera.png',
    pixels: '/fixtures/images/camera.bin',
    width: 512,
    height: 512,
    channels: 1,
    make: (file) => withPngChunks(file, [gama(1)]),
  },
  {
    name: 'chelsea-srgb.png',
    source: 'images/chelsea.png',
    pixels: '/fixtures/images/chelsea.bin',
    width: 451,
    height: 300,
    channels: 3,
    make: (file) => withPngChunks(file, [chunk('sRGB', Uint8Array.of(0))]),
  },
];

export function writeTaggedImages(): void {
  mkdirSync(generatedRoot, { recursive: true });
  for (const image of TAGGED_IMAGES) writeFileSync(join(generatedRoot, image.name), image.make(readFileSync(fixtureFile(image.source))));
}
