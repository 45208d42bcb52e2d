// Whether the browser's own JPEG decoder gives Pillow's pixels, proven at run time once per kind of
// JPEG by decoding a tiny embedded file of that kind whose Pillow pixels are known. Chromium decodes
// with libjpeg-turbo as Pillow does; a browser that decodes otherwise (another IDCT, chroma
// upsampling or CMYK conversion) fails the check, and its JPEGs go to libjpeg-turbo in WebAssembly.
// Pillow ignores ICC profiles; a browser may convert a tagged file's colours even when asked not to
// (WebKit does), so a file with a profile needs a probe that carries one.
import { buildIccProfile, DISPLAY_P3_LIKE, LINEAR_GRAY } from '../icc-profile.js';
import { insertIccProfile } from '../jpeg/jpeg-icc-segment.js';
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

/** The probe of `kind`, tagged with a wide-gamut (gray: linear) ICC profile when `iccTagged`. */
function probeFile(kind: Exclude<JpegKind, 'other'>, iccTagged: boolean): Uint8Array {
  const bytes = probeBytes(JPEG_PROBES[kind]);
  return iccTagged ? insertIccProfile(bytes, buildIccProfile(kind === 'gray' ? LINEAR_GRAY : DISPLAY_P3_LIKE)) : bytes;
}

async function platformMatchesPillow(kind: Exclude<JpegKind, 'other'>, iccTagged: boolean): Promise<boolean> {
  const probe = JPEG_PROBES[kind];
  const { data, width, height } = await decodeToRgbaInBrowser(probeFile(kind, iccTagged), 'jpeg', {
    applyExifOrientation: false,
    maxPixels: Infinity,
  });
  if (width !== probe.width || height !== probe.height) return false;
  const pixels = kind === 'gray' ? takeEveryNth(data, 4) : browserRgbaToImage(data, width, height, false).data;
  return fnv1a(pixels) === probe.pillowPixelsHash;
}

const verdicts = new Map<string, Promise<boolean>>();

/**
 * Whether JPEGs of this kind, with an ICC profile when `iccTagged`, can go to the browser's decoder; a
 * decoder that cannot read the probe fails it. CMYK files with a profile always go to WebAssembly.
 */
export function platformDecodesJpegExactly(kind: JpegKind, iccTagged: boolean): Promise<boolean> {
  if (kind === 'other' || (kind === 'cmyk' && iccTagged)) return Promise.resolve(false);
  const key = `${kind}${iccTagged ? '+icc' : ''}`;
  let verdict = verdicts.get(key);
  if (!verdict) {
    verdict = platformMatchesPillow(kind, iccTagged).catch(() => false);
    verdicts.set(key, verdict);
  }
  return verdict;
}
