import { RetinaError } from '../../errors.js';
import { readExifOrientation } from '../exif-orientation.js';
import type { DecodedFile } from '../decoded-file.js';
import type { DecodeContext, DecodePurpose } from '../load-options.js';
import { checkImageSize } from '../pixel-budget.js';
import { maxInflatedSize } from '../../deflate-bound.js';
import { inflateZlib } from './png-inflate.js';
import { decodePngNatively } from './png-native-decode.js';
import { ScanlineDecoder, scanlineBytes } from './png-scanlines.js';
import { type PngChunks, type PngHeader, readPngChunks, readPngHeader } from './png-structure.js';
import type { ChannelCount, RawImage } from '../raw-image.js';

const GRAY = 0;
const RGB = 2;
const PALETTE = 3;
const GRAY_ALPHA = 4;
const RGBA = 6;

const SAMPLES_PER_PIXEL: Record<number, number> = { [GRAY]: 1, [RGB]: 3, [PALETTE]: 1, [GRAY_ALPHA]: 2, [RGBA]: 4 };
const BIT_DEPTHS: Record<number, number[]> = {
  [GRAY]: [1, 2, 4, 8, 16],
  [RGB]: [8, 16],
  [PALETTE]: [1, 2, 4, 8],
  [GRAY_ALPHA]: [8, 16],
  [RGBA]: [8, 16],
};

function decodeFailed(problem: string, cause?: unknown): RetinaError {
  return new RetinaError(
    'IMAGE_DECODE_FAILED',
    `The PNG could not be decoded: ${problem}. The file is damaged or not a valid PNG; download or export it again.`,
    { cause },
  );
}

function checkHeader({ colorType, bitDepth, interlaceMethod }: PngHeader): void {
  if (!BIT_DEPTHS[colorType]?.includes(bitDepth)) {
    throw decodeFailed(`its header declares colour type ${colorType} with bit depth ${bitDepth}, which PNG does not allow`);
  }
  if (interlaceMethod > 1) throw decodeFailed(`its header declares the unknown interlace method ${interlaceMethod}`);
}

/** Refuses, before anything is allocated, a header that claims more data than the compressed stream can hold. */
function checkExpansion(header: PngHeader, chunks: PngChunks): void {
  const compressed = chunks.imageData.reduce((n, piece) => n + piece.length, 0);
  const needed = scanlineBytes(header, SAMPLES_PER_PIXEL[header.colorType]!);
  if (needed > maxInflatedSize(compressed)) {
    throw decodeFailed(
      `its header claims ${header.width}x${header.height} pixels (${needed} bytes of image data), but its ${compressed} bytes of ` +
        `compressed data can hold at most ${maxInflatedSize(compressed)} (deflate expands at most about 1032:1)`,
    );
  }
}

/** 16-bit samples keep their most significant byte as pixels (Pillow's ";16B" raw modes), their value in label maps. */
async function decodeSamples(header: PngHeader, chunks: PngChunks, purpose: DecodePurpose): Promise<Uint8Array> {
  const samplesPerPixel = SAMPLES_PER_PIXEL[header.colorType]!;
  const labels16 = purpose === 'labels' && header.bitDepth === 16 && header.colorType === GRAY;
  let decoder: ScanlineDecoder;
  try {
    decoder = new ScanlineDecoder(header, samplesPerPixel, labels16 ? 'low' : 'high');
    await inflateZlib(chunks.imageData, scanlineBytes(header, samplesPerPixel), (piece) => decoder.push(piece));
  } catch (cause) {
    throw decodeFailed(cause instanceof Error ? cause.message : String(cause), cause);
  }
  // Pillow opens 16-bit gray as mode I; as a label map its values are used as they are.
  if (labels16 && decoder.largest16 > 255) {
    throw new RetinaError(
      'INVALID_IMAGE',
      `The 16-bit label map holds the value ${decoder.largest16}; class indices must be 0-255. ` +
        'Save the map as an 8-bit grayscale or palette PNG.',
    );
  }
  return decoder.samples;
}

/** Scales 1/2/4-bit gray to 0-255 in place (Pillow's rawmodes L;2, L;4, and mode "1" converted). */
function scaleLowDepthGray(samples: Uint8Array, bitDepth: number, purpose: DecodePurpose): Uint8Array {
  // Pillow: 1-bit gray is mode "1" (numpy gives 0/1, RGB conversion gives 0/255).
  if (bitDepth >= 8 || (bitDepth === 1 && purpose === 'labels')) return samples;
  const factor = 255 / ((1 << bitDepth) - 1);
  for (let i = 0; i < samples.length; i++) samples[i] = samples[i]! * factor;
  return samples;
}

/** Looks indices up in PLTE; indices past its end read as gray (i, i, i), Pillow's default ramp. */
function expandPalette(indices: Uint8Array, palette: Uint8Array): Uint8Array {
  const entries = Math.floor(palette.length / 3);
  const out = new Uint8Array(indices.length * 3);
  for (let i = 0; i < indices.length; i++) {
    const index = indices[i]!;
    for (let c = 0; c < 3; c++) out[i * 3 + c] = index < entries ? palette[index * 3 + c]! : index;
  }
  return out;
}

/** 16-bit gray + alpha opens in Pillow as RGBA (rawmode LA;16B); `samples` hold their high bytes. */
function grayAlphaToRgba(samples: Uint8Array): Uint8Array {
  const out = new Uint8Array(samples.length * 2);
  for (let i = 0, o = 0; i < samples.length; i += 2, o += 4) {
    out[o] = out[o + 1] = out[o + 2] = samples[i]!;
    out[o + 3] = samples[i + 1]!;
  }
  return out;
}

function toPillowMode(
  samples: Uint8Array,
  header: PngHeader,
  palette: Uint8Array | undefined,
  purpose: DecodePurpose,
): { data: Uint8Array; channels: ChannelCount } {
  switch (header.colorType) {
    case GRAY:
      return { data: scaleLowDepthGray(samples, header.bitDepth, purpose), channels: 1 };
    case PALETTE: {
      if (purpose === 'labels') return { data: samples, channels: 1 };
      if (!palette) throw decodeFailed('it is a palette image without a PLTE chunk');
      return { data: expandPalette(samples, palette), channels: 3 };
    }
    case GRAY_ALPHA:
      return header.bitDepth === 16 ? { data: grayAlphaToRgba(samples), channels: 4 } : { data: samples, channels: 2 };
    case RGB:
      return { data: samples, channels: 3 };
    default:
      return { data: samples, channels: 4 };
  }
}

/**
 * Decodes a PNG into the pixels Pillow gives for it: gray → 1 channel, gray + alpha → 2, RGB → 3,
 * RGBA → 4, palette → RGB through PLTE (tRNS ignored, as `convert("RGB")` does) or, for label maps,
 * the palette indices. 16-bit samples keep their most significant byte. In browsers, 8-bit gray and
 * RGB files go through the platform's decoder, which gives the same bytes faster.
 */
export async function decodePng(bytes: Uint8Array, context: DecodeContext): Promise<DecodedFile> {
  const header = readPngHeader(bytes);
  checkHeader(header);
  checkImageSize(header.width, header.height, context.maxPixels, 'The PNG');
  const chunks = readPngChunks(bytes);
  checkExpansion(header, chunks);
  const exifOrientation = chunks.exif && readExifOrientation(chunks.exif);
  const native = await decodePngNatively(bytes, header, chunks, context);
  if (native) return { image: native, exifOrientation, decoder: 'platform' };
  const samples = await decodeSamples(header, chunks, context.purpose);
  const { data, channels } = toPillowMode(samples, header, chunks.palette, context.purpose);
  const image: RawImage = { data, width: header.width, height: header.height, channels };
  return { image, exifOrientation, decoder: 'javascript' };
}
