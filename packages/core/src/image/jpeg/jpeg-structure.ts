import { RetinaError } from '../../errors.js';
import { ICC_SIGNATURE } from './jpeg-icc-segment.js';

export interface JpegStructure {
  width: number;
  height: number;
  /** 1 grayscale, 3 YCbCr/RGB, 4 CMYK/YCCK. */
  components: number;
  /** The start-of-frame marker (0xC0 baseline, 0xC1 extended, 0xC2 progressive, ...) and its sample precision in bits. */
  frameMarker: number;
  precision: number;
  /** Per component, from the frame header: its identifier and sampling factors (horizontal << 4 | vertical). */
  componentIds: number[];
  samplingFactors: number[];
  /** The Adobe APP14 colour transform (0 none: RGB or CMYK, 1 YCbCr, 2 YCCK), undefined without that marker. */
  adobeTransform: number | undefined;
  /** APP1 "Exif" payload, prefix included. */
  exif: Uint8Array | undefined;
  /** Start-of-scan markers: 1 for a baseline JPEG, about 10 for a progressive one; each costs a pass over the image. */
  scans: number;
  /** Whether an APP2 "ICC_PROFILE" segment tags the colours: a colour-managing decoder converts them. */
  iccProfile: boolean;
}

const SOI = 0xd8;
const EOI = 0xd9;
const SOS = 0xda;
const APP1 = 0xe1;
const APP2 = 0xe2;
const APP14 = 0xee;
const EXIF_SIGNATURE = [0x45, 0x78, 0x69, 0x66, 0, 0]; // "Exif\0\0"
const ADOBE_SIGNATURE = [0x41, 0x64, 0x6f, 0x62, 0x65]; // "Adobe"
const ADOBE_TRANSFORM_OFFSET = 11;

function isStartOfFrame(marker: number): boolean {
  // SOF0-SOF15 except DHT (C4), JPG (C8) and DAC (CC).
  return marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc;
}

function hasNoLength(marker: number): boolean {
  return marker === 0x01 || (marker >= 0xd0 && marker <= 0xd7) || marker === SOI;
}

function hasSignature(body: Uint8Array, signature: number[]): boolean {
  return signature.every((b, i) => body[i] === b);
}

type Frame = Pick<JpegStructure, 'width' | 'height' | 'frameMarker' | 'precision' | 'components' | 'componentIds' | 'samplingFactors'>;

function readFrame(frameMarker: number, body: Uint8Array): Frame {
  const components = body[5]!;
  const componentIds: number[] = [];
  const samplingFactors: number[] = [];
  for (let i = 0, at = 6; i < components && at + 1 < body.length; i++, at += 3) {
    componentIds.push(body[at]!);
    samplingFactors.push(body[at + 1]!);
  }
  const [height, width] = [(body[1]! << 8) | body[2]!, (body[3]! << 8) | body[4]!];
  return { height, width, frameMarker, precision: body[0]!, components, componentIds, samplingFactors };
}

function decodeFailed(problem: string): RetinaError {
  return new RetinaError(
    'IMAGE_DECODE_FAILED',
    `The JPEG could not be decoded: ${problem}. The file is damaged or incomplete; download or export it again.`,
  );
}

/** Offset of the next marker after entropy-coded data starting at `from` (skips FF00 and RSTn). */
function endOfEntropyData(bytes: Uint8Array, from: number): number {
  let at = from;
  for (;;) {
    at = bytes.indexOf(0xff, at);
    if (at < 0 || at + 1 >= bytes.length) return -1;
    const next = bytes[at + 1]!;
    if (next !== 0 && next !== 0xff && !(next >= 0xd0 && next <= 0xd7)) return at;
    at += 1;
  }
}

/**
 * Walks the JPEG's segments to the end-of-image marker: frame size and components (SOF), the EXIF
 * block (APP1), an ICC profile (APP2), the Adobe colour transform (APP14), and a clear error for a
 * file that stops early.
 */
export function readJpegStructure(bytes: Uint8Array): JpegStructure {
  let frame: Frame | undefined;
  let exif: Uint8Array | undefined;
  let adobeTransform: number | undefined;
  let scans = 0;
  let iccProfile = false;
  let at = 2; // after SOI
  const truncated = () => decodeFailed(`the file ends after ${bytes.length} bytes, before the end-of-image marker (truncated file)`);
  for (;;) {
    if (at >= bytes.length) throw truncated();
    if (bytes[at] !== 0xff) throw decodeFailed(`expected a marker at byte ${at}, found 0x${bytes[at]!.toString(16)}`);
    let marker = bytes[at + 1];
    while (marker === 0xff) marker = bytes[++at + 1]; // fill bytes
    if (marker === undefined) throw truncated();
    if (marker === EOI) break;
    if (hasNoLength(marker)) {
      at += 2;
      continue;
    }
    if (at + 4 > bytes.length) throw truncated();
    const length = (bytes[at + 2]! << 8) | bytes[at + 3]!;
    const body = bytes.subarray(at + 4, at + 2 + length);
    if (at + 2 + length > bytes.length) throw truncated();
    if (isStartOfFrame(marker) && body.length >= 6) {
      frame = readFrame(marker, body);
    } else if (marker === APP1 && !exif && hasSignature(body, EXIF_SIGNATURE)) {
      exif = body;
    } else if (marker === APP2 && hasSignature(body, ICC_SIGNATURE)) {
      iccProfile = true;
    } else if (
      marker === APP14 &&
      adobeTransform === undefined &&
      body.length > ADOBE_TRANSFORM_OFFSET &&
      hasSignature(body, ADOBE_SIGNATURE)
    ) {
      adobeTransform = body[ADOBE_TRANSFORM_OFFSET];
    }
    at += 2 + length;
    if (marker === SOS) {
      scans++;
      if (!frame) throw decodeFailed('image data starts before the frame header (no SOF marker)');
      at = endOfEntropyData(bytes, at);
      if (at < 0) throw truncated();
    }
  }
  if (!frame) throw decodeFailed('it has no frame header (SOF marker)');
  return { ...frame, exif, adobeTransform, scans, iccProfile };
}
