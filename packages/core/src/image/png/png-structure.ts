import { RetinaError } from '../../errors.js';
import { COLOUR_CHUNKS, type ColourChunk } from './png-colour-probe.js';
import { crc32 } from './crc32.js';

export interface PngHeader {
  width: number;
  height: number;
  bitDepth: number;
  /** 0 gray, 2 RGB, 3 palette, 4 gray + alpha, 6 RGBA. */
  colorType: number;
  /** 0 none, 1 Adam7. */
  interlaceMethod: number;
}

export interface PngChunks {
  /** Flat RGB triplets of the PLTE chunk. */
  palette: Uint8Array | undefined;
  /** The eXIf chunk's TIFF data. */
  exif: Uint8Array | undefined;
  /** The zlib stream, in its IDAT pieces. */
  imageData: Uint8Array[];
  /** Byte ranges [start, end) of tRNS chunks, header and CRC included. */
  transparencyChunks: Array<[start: number, end: number]>;
  /** Whether an acTL chunk makes it an animated PNG. */
  animated: boolean;
  /** The colour-management chunks present (iCCP, gAMA, cHRM, sRGB), in file order; Pillow's pixels ignore them. */
  colourChunks: ColourChunk[];
}

const SIGNATURE_LENGTH = 8;
const CHUNK_OVERHEAD = 12; // length, type, CRC

function chunkType(bytes: Uint8Array, at: number): string {
  return String.fromCharCode(bytes[at]!, bytes[at + 1]!, bytes[at + 2]!, bytes[at + 3]!);
}

function decodeFailed(problem: string): RetinaError {
  return new RetinaError(
    'IMAGE_DECODE_FAILED',
    `The PNG could not be decoded: ${problem}. The file is damaged or incomplete; download or export it again.`,
  );
}

function view(bytes: Uint8Array): DataView {
  return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/** Reads IHDR, which the PNG format puts first, without touching the rest of the file. */
export function readPngHeader(bytes: Uint8Array): PngHeader {
  const ihdrEnd = SIGNATURE_LENGTH + 8 + 13;
  if (bytes.length < ihdrEnd || chunkType(bytes, SIGNATURE_LENGTH + 4) !== 'IHDR') {
    throw decodeFailed(`the IHDR header is missing (the file has only ${bytes.length} bytes)`);
  }
  const data = view(bytes);
  const at = SIGNATURE_LENGTH + 8;
  return {
    width: data.getUint32(at),
    height: data.getUint32(at + 4),
    bitDepth: bytes[at + 8]!,
    colorType: bytes[at + 9]!,
    interlaceMethod: bytes[at + 12]!,
  };
}

function checkCrc(bytes: Uint8Array, at: number, length: number, type: string): void {
  const stored = view(bytes).getUint32(at + 8 + length);
  const computed = crc32(bytes.subarray(at + 4, at + 8 + length));
  if (stored !== computed) {
    const hex = (n: number) => `0x${n.toString(16).padStart(8, '0')}`;
    throw decodeFailed(`the ${type} chunk at byte ${at} fails its CRC check (stored ${hex(stored)}, computed ${hex(computed)})`);
  }
}

/**
 * Walks every chunk up to IEND, so that a cut-off file fails here with a clear message. Like Pillow,
 * it checks the CRC of every chunk before the image data (IHDR, PLTE, tRNS, text, unknown ones):
 * Pillow reads those when it opens a file, and skips the CRCs of IDAT and what follows.
 */
export function readPngChunks(bytes: Uint8Array): PngChunks {
  const data = view(bytes);
  const chunks: PngChunks = {
    palette: undefined,
    exif: undefined,
    imageData: [],
    transparencyChunks: [],
    animated: false,
    colourChunks: [],
  };
  let at = SIGNATURE_LENGTH;
  for (;;) {
    if (at + CHUNK_OVERHEAD > bytes.length) {
      throw decodeFailed(`the file ends after ${bytes.length} bytes, before the IEND chunk (truncated file)`);
    }
    const length = data.getUint32(at);
    const type = chunkType(bytes, at + 4);
    const end = at + CHUNK_OVERHEAD + length;
    if (end > bytes.length) {
      throw decodeFailed(
        `the ${type} chunk at byte ${at} needs ${length} bytes of data but the file ends ` +
          `${end - bytes.length} bytes short (truncated file)`,
      );
    }
    const body = bytes.subarray(at + 8, at + 8 + length);
    if (type === 'IEND') return chunks;
    if (chunks.imageData.length === 0 && type !== 'IDAT') checkCrc(bytes, at, length, type);
    if (type === 'IDAT') chunks.imageData.push(body);
    else if (type === 'PLTE') chunks.palette = body;
    else if (type === 'eXIf') chunks.exif ??= body;
    else if (type === 'tRNS') chunks.transparencyChunks.push([at, end]);
    else if (type === 'acTL') chunks.animated = true;
    else if ((COLOUR_CHUNKS as readonly string[]).includes(type) && !chunks.colourChunks.includes(type as ColourChunk)) {
      chunks.colourChunks.push(type as ColourChunk);
    }
    at = end;
  }
}
