import { RetinaError } from '../../errors.js';
import { readExifOrientation } from '../exif-orientation.js';
import type { DecodedFile } from '../decoded-file.js';
import type { DecodeContext, DecodePurpose } from '../load-options.js';
import { checkImageSize } from '../pixel-budget.js';
import { inflateZlib } from './png-inflate.js';
import { decodePngNatively } from './png-native-decode.js';
import { unfilterScanlines, scanlineBytes } from './png-scanlines.js';
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

type Samples = Uint8Array | Uint16Array;

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

function bigEndianSamples(bytes: Uint8Array): Uint16Array {
  const out = new Uint16Array(bytes.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = (bytes[2 * i]! << 8) | bytes[2 * i + 1]!;
  return out;
}

async function decodeSamples(header: PngHeader, chunks: PngChunks): Promise<Samples> {
  const samplesPerPixel = SAMPLES_PER_PIXEL[header.colorType]!;
  try {
    const raw = await inflateZlib(chunks.imageData, scanlineBytes(header, samplesPerPixel));
    const bytes = unfilterScanlines(raw, header, samplesPerPixel);
    return header.bitDepth === 16 ? bigEndianSamples(bytes) : bytes;
  } catch (cause) {
    throw decodeFailed(cause instanceof Error ? cause.message : String(cause), cause);
  }
}

/** 16-bit samples keep their most significant byte, as Pillow's ";16B" raw modes do. */
function toEightBit(samples: Samples): Uint8Array {
  if (samples instanceof Uint8Array) return samples;
  const out = new Uint8Array(samples.length);
  for (let i = 0; i < samples.length; i++) out[i] = samples[i]! >> 8;
  return out;
}

function scaled(samples: Uint8Array, factor: number): Uint8Array {
  return samples.map((v) => v * factor);
}

function grayPixels(samples: Samples, bitDepth: number, purpose: DecodePurpose): Uint8Array {
  if (samples instanceof Uint16Array) {
    if (purpose === 'image') return toEightBit(samples);
    // Pillow opens 16-bit gray as mode I; as a label map its values are used as they are.
    const largest = samples.reduce((a, b) => Math.max(a, b), 0);
    if (largest > 255) {
      throw new RetinaError(
        'INVALID_IMAGE',
        `The 16-bit label map holds the value ${largest}; class indices must be 0-255. ` +
          'Save the map as an 8-bit grayscale or palette PNG.',
      );
    }
    return Uint8Array.from(samples);
  }
  // Pillow: 1-bit gray is mode "1" (numpy gives 0/1, RGB conversion gives 0/255); 2- and 4-bit
  // gray are scaled to 0-255 (rawmodes L;2, L;4).
  if (bitDepth === 1) return purpose === 'labels' ? samples : scaled(samples, 255);
  return bitDepth < 8 ? scaled(samples, 255 / ((1 << bitDepth) - 1)) : samples;
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

/** 16-bit gray + alpha opens in Pillow as RGBA (rawmode LA;16B). */
function grayAlpha16ToRgba(samples: Uint16Array): Uint8Array {
  const pixels = samples.length / 2;
  const out = new Uint8Array(pixels * 4);
  for (let i = 0; i < pixels; i++) {
    const gray = samples[i * 2]! >> 8;
    out.set([gray, gray, gray, samples[i * 2 + 1]! >> 8], i * 4);
  }
  return out;
}

function toPillowMode(
  samples: Samples,
  header: PngHeader,
  palette: Uint8Array | undefined,
  purpose: DecodePurpose,
): { data: Uint8Array; channels: ChannelCount } {
  switch (header.colorType) {
    case GRAY:
      return { data: grayPixels(samples, header.bitDepth, purpose), channels: 1 };
    case PALETTE: {
      if (purpose === 'labels') return { data: samples as Uint8Array, channels: 1 };
      if (!palette) throw decodeFailed('it is a palette image without a PLTE chunk');
      return { data: expandPalette(samples as Uint8Array, palette), channels: 3 };
    }
    case GRAY_ALPHA:
      return samples instanceof Uint16Array
        ? { data: grayAlpha16ToRgba(samples), channels: 4 }
        : { data: samples, channels: 2 };
    case RGB:
      return { data: toEightBit(samples), channels: 3 };
    default:
      return { data: toEightBit(samples), channels: 4 };
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
  const exifOrientation = chunks.exif && readExifOrientation(chunks.exif);
  const native = await decodePngNatively(bytes, header, chunks, context);
  if (native) return { image: native, exifOrientation, decoder: 'platform' };
  const samples = await decodeSamples(header, chunks);
  const { data, channels } = toPillowMode(samples, header, chunks.palette, context.purpose);
  const image: RawImage = { data, width: header.width, height: header.height, channels };
  return { image, exifOrientation, decoder: 'javascript' };
}
