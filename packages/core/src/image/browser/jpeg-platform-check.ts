// Whether the browser's own JPEG decoder gives Pillow's pixels, proven at run time once per kind of
// JPEG by decoding a tiny embedded file of that kind whose Pillow pixels are known. Chromium decodes
// with libjpeg-turbo as Pillow does; a browser that decodes otherwise (another IDCT, chroma
// upsampling or CMYK conversion) fails the check, and its JPEGs go to libjpeg-turbo in WebAssembly.
import type { JpegKind } from '../jpeg/jpeg-kind.js';
import { takeEveryNth } from '../jpeg/jpeg-decode.js';
import { browserRgbaToImage } from './browser-rgba.js';
import { decodeToRgbaInBrowser } from './browser-decode.js';
import { JPEG_PROBES, type JpegProbe } from './jpeg-probes.js';

/** FNV-1a, 32 bits: the hash the probes' Pillow pixels are stored as. */
export function fnv1a(bytes: Uint8Array | Uint8ClampedArray): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < bytes.length; i++) hash = Math.imul(hash ^ bytes[i]!, 0x01000193) >>> 0;
  return hash;
}

export function probeBytes(probe: JpegProbe): Uint8Array {
  return Uint8Array.from(atob(probe.jpeg), (c) => c.charCodeAt(0));
}

async function platformMatchesPillow(kind: Exclude<JpegKind, 'other'>): Promise<boolean> {
  const probe = JPEG_PROBES[kind];
  const { data, width, height } = await decodeToRgbaInBrowser(probeBytes(probe), 'jpeg', {
    applyExifOrientation: false,
    maxPixels: Infinity,
  });
  if (width !== probe.width || height !== probe.height) return false;
  const pixels = kind === 'gray' ? takeEveryNth(data, 4) : browserRgbaToImage(data, width, height, false).data;
  return fnv1a(pixels) === probe.pillowPixelsHash;
}

const verdicts = new Map<JpegKind, Promise<boolean>>();

/** Whether JPEGs of this kind can go to the browser's decoder; a decoder that cannot read the probe fails it. */
export function platformDecodesJpegExactly(kind: JpegKind): Promise<boolean> {
  if (kind === 'other') return Promise.resolve(false);
  let verdict = verdicts.get(kind);
  if (!verdict) {
    verdict = platformMatchesPillow(kind).catch(() => false);
    verdicts.set(kind, verdict);
  }
  return verdict;
}
