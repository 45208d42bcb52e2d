import { describe, expect, it } from 'vitest';
import { jpegIndex, readBytes } from '../../testing/fixtures.js';
import { type JpegKind, jpegKind } from './jpeg-kind.js';
import { type JpegStructure, readJpegStructure } from './jpeg-structure.js';

const FIXTURE_KINDS: Record<string, JpegKind> = {
  'chelsea-q75-420': 'ycc420',
  'chelsea-q95-444': 'ycc444',
  'coffee-q85-422': 'ycc422',
  'coffee-progressive': 'ycc420',
  'rocket-q60-420': 'ycc420',
  'camera-gray': 'gray',
  'chelsea-odd-33x17': 'ycc420',
  'coffee-cmyk': 'cmyk',
};

const ycc420: JpegStructure = {
  width: 8,
  height: 8,
  frameMarker: 0xc0,
  precision: 8,
  components: 3,
  componentIds: [1, 2, 3],
  samplingFactors: [0x22, 0x11, 0x11],
  adobeTransform: undefined,
  scans: 1,
  exif: undefined,
  iccProfile: false,
};

describe('JPEG kinds', () => {
  it('reads the kind of every fixture JPEG from its headers', () => {
    const kinds = Object.fromEntries(jpegIndex().map((c) => [c.id, jpegKind(readJpegStructure(readBytes('jpeg', c.jpg)))]));
    expect(kinds).toEqual(FIXTURE_KINDS);
  });

  it.each<[string, Partial<JpegStructure>, JpegKind]>([
    ['Adobe transform 1 (YCbCr)', { adobeTransform: 1 }, 'ycc420'],
    ['RGB coded (Adobe transform 0)', { adobeTransform: 0, samplingFactors: [0x11, 0x11, 0x11] }, 'other'],
    ["RGB coded (component ids 'R', 'G', 'B')", { componentIds: [0x52, 0x47, 0x42], samplingFactors: [0x11, 0x11, 0x11] }, 'other'],
    ['4:1:1', { samplingFactors: [0x41, 0x11, 0x11] }, 'other'],
    ['4:4:0', { samplingFactors: [0x12, 0x11, 0x11] }, 'other'],
    ['subsampled luma against full chroma', { samplingFactors: [0x22, 0x21, 0x11] }, 'other'],
    ['arithmetic coding', { frameMarker: 0xc9 }, 'other'],
    ['lossless', { frameMarker: 0xc3 }, 'other'],
    ['12-bit', { precision: 12 }, 'other'],
    ['CMYK without an Adobe marker', { components: 4, componentIds: [1, 2, 3, 4], samplingFactors: [0x11, 0x11, 0x11, 0x11] }, 'cmyk'],
    ['YCCK (Adobe transform 2)', { components: 4, adobeTransform: 2, samplingFactors: [0x11, 0x11, 0x11, 0x11] }, 'other'],
    ['two components', { components: 2 }, 'other'],
  ])('%s', (_, change, kind) => {
    expect(jpegKind({ ...ycc420, ...change })).toBe(kind);
  });
});
