import { browserRgbaToImage } from '../browser/browser-rgba.js';
import { takeEveryNth } from '../jpeg/jpeg-decode.js';
import type { DecodeContext } from '../load-options.js';
import { colourProbe, type ColourChunk } from './png-colour-probe.js';
import type { PngChunks, PngHeader } from './png-structure.js';
import type { RawImage } from '../raw-image.js';

const GRAY = 0;
const RGB = 2;

/**
 * Whether the platform's decoder can give exactly Pillow's pixels for this file: 8-bit gray or RGB,
 * still, without tRNS. With colour management off both hand out the stored samples; the platform
 * premultiplies alpha, rounds 16-bit samples where Pillow truncates, and expands palettes.
 */
function platformCanDecode(header: PngHeader, chunks: PngChunks): boolean {
  return (
    typeof ImageDecoder === 'function' &&
    header.bitDepth === 8 &&
    (header.colorType === GRAY || header.colorType === RGB) &&
    chunks.transparencyChunks.length === 0 &&
    !chunks.animated
  );
}

const colourVerdicts = new Map<string, Promise<boolean>>();

/**
 * Whether the platform's decoder leaves samples as stored despite these colour chunks (Chromium's does
 * with colour conversion off), proven once per page or worker on a probe carrying the same chunk types.
 */
function platformIgnoresColourChunks(gray: boolean, chunks: readonly ColourChunk[]): Promise<boolean> {
  if (chunks.length === 0) return Promise.resolve(true);
  const key = `${gray ? 'gray' : 'rgb'} ${[...chunks].sort().join(' ')}`;
  let verdict = colourVerdicts.get(key);
  if (!verdict) {
    const { png, width, height, samples } = colourProbe(gray, chunks);
    const channels = gray ? 1 : 3;
    verdict = decodeToRgba(png, width, height)
      .then((rgba) => samples.every((value, i) => rgba[Math.floor(i / channels) * 4 + (i % channels)] === value))
      .catch(() => false);
    colourVerdicts.set(key, verdict);
  }
  return verdict;
}

async function decodeToRgba(bytes: Uint8Array, width: number, height: number): Promise<Uint8Array> {
  const decoder = new ImageDecoder({
    data: bytes as BufferSource,
    type: 'image/png',
    colorSpaceConversion: 'none',
    preferAnimation: false,
  });
  try {
    const { image } = await decoder.decode();
    try {
      // The stored pixels: an EXIF orientation only turns the display size, which is left to the caller.
      const stored = image.visibleRect!;
      if (stored.width !== width || stored.height !== height) {
        throw new Error(`decoded ${stored.width}x${stored.height}, the header says ${width}x${height}`);
      }
      const rgba = new Uint8Array(width * height * 4);
      await image.copyTo(rgba, { format: 'RGBA' });
      return rgba;
    } finally {
      image.close();
    }
  } finally {
    decoder.close();
  }
}

/**
 * Decodes with the browser's own PNG decoder (WebCodecs' ImageDecoder, colour management off),
 * which inflates large photos much faster than DecompressionStream plus JavaScript unfiltering.
 * Gives undefined where it cannot be used or fails (no ImageDecoder, no RGBA copy-out, a damaged
 * file): the JavaScript decoder then runs, and names any damage.
 */
export async function decodePngNatively(
  bytes: Uint8Array,
  header: PngHeader,
  chunks: PngChunks,
  context: DecodeContext,
): Promise<RawImage | undefined> {
  if (!platformCanDecode(header, chunks)) return undefined;
  if (!(await platformIgnoresColourChunks(header.colorType === GRAY, chunks.colourChunks))) return undefined;
  const { width, height } = header;
  let rgba: Uint8Array;
  try {
    rgba = await decodeToRgba(bytes, width, height);
  } catch {
    return undefined;
  }
  if (header.colorType === GRAY) return { data: takeEveryNth(rgba, 4), width, height, channels: 1 };
  return browserRgbaToImage(rgba, width, height, context.keepOpaqueAlpha);
}
