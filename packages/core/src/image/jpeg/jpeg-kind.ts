import type { JpegStructure } from './jpeg-structure.js';

/**
 * The kinds of JPEG a browser's decoder is trusted with once a probe of that kind decoded to
 * Pillow's pixels: 8-bit Huffman-coded gray, YCbCr at 4:2:0, 4:2:2 or 4:4:4, and Adobe CMYK. The
 * rest (YCCK, RGB-coded, other samplings, arithmetic coding, 12-bit) is `other`.
 */
export type JpegKind = 'gray' | 'ycc420' | 'ycc422' | 'ycc444' | 'cmyk' | 'other';

const HUFFMAN_FRAMES = new Set([0xc0, 0xc1, 0xc2]);
/** Adobe APP14 transform 0: no colour transform (RGB or CMYK samples as stored). */
const ADOBE_NO_TRANSFORM = 0;
/** Component identifiers 'R', 'G', 'B': libjpeg reads such a 3-component file without a marker as RGB. */
const RGB_IDS = [0x52, 0x47, 0x42];
const LUMA_SAMPLING: Record<number, JpegKind> = { 0x22: 'ycc420', 0x21: 'ycc422', 0x11: 'ycc444' };

function ycbcrKind({ componentIds, samplingFactors, adobeTransform }: JpegStructure): JpegKind {
  const rgbCoded =
    adobeTransform === ADOBE_NO_TRANSFORM || (adobeTransform === undefined && RGB_IDS.every((id, i) => componentIds[i] === id));
  if (rgbCoded || samplingFactors[1] !== 0x11 || samplingFactors[2] !== 0x11) return 'other';
  return LUMA_SAMPLING[samplingFactors[0]!] ?? 'other';
}

export function jpegKind(structure: JpegStructure): JpegKind {
  if (!HUFFMAN_FRAMES.has(structure.frameMarker) || structure.precision !== 8) return 'other';
  if (structure.components === 1) return 'gray';
  if (structure.components === 3) return ycbcrKind(structure);
  // libjpeg reads four components as CMYK without an Adobe marker or with transform 0, else as YCCK.
  const transform = structure.adobeTransform;
  if (structure.components === 4 && (transform === undefined || transform === ADOBE_NO_TRANSFORM)) return 'cmyk';
  return 'other';
}
