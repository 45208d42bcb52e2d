import { RetinaError } from '../../errors.js';

export interface JpegStructure {
  width: number;
  height: number;
  /** 1 grayscale, 3 YCbCr/RGB, 4 CMYK/YCCK. */
  components: number;
  /** APP1 "Exif" payload, prefix included. */
  exif: Uint8Array | undefined;
}

const SOI = 0xd8;
const EOI = 0xd9;
const SOS = 0xda;
const APP1 = 0xe1;
const EXIF_SIGNATURE = [0x45, 0x78, 0x69, 0x66, 0, 0]; // "Exif\0\0"

function isStartOfFrame(marker: number): boolean {
  // SOF0-SOF15 except DHT (C4), JPG (C8) and DAC (CC).
  return marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc;
}

function hasNoLength(marker: number): boolean {
  return marker === 0x01 || (marker >= 0xd0 && marker <= 0xd7) || marker === SOI;
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
 * Walks the JPEG's segments to the end-of-image marker: frame size and component count (SOF),
 * the EXIF block (APP1), and a clear error for a file that stops early.
 */
export function readJpegStructure(bytes: Uint8Array): JpegStructure {
  let frame: Omit<JpegStructure, 'exif'> | undefined;
  let exif: Uint8Array | undefined;
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
      frame = { height: (body[1]! << 8) | body[2]!, width: (body[3]! << 8) | body[4]!, components: body[5]! };
    } else if (marker === APP1 && !exif && EXIF_SIGNATURE.every((b, i) => body[i] === b)) {
      exif = body;
    }
    at += 2 + length;
    if (marker === SOS) {
      if (!frame) throw decodeFailed('image data starts before the frame header (no SOF marker)');
      at = endOfEntropyData(bytes, at);
      if (at < 0) throw truncated();
    }
  }
  if (!frame) throw decodeFailed('it has no frame header (SOF marker)');
  return { ...frame, exif };
}
