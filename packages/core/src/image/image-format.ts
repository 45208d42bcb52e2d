import { RetinaError } from '../errors.js';

export type ImageFormat = 'png' | 'jpeg' | 'gif' | 'webp' | 'bmp' | 'avif' | 'heic' | 'tiff' | 'ico';

function startsWith(bytes: Uint8Array, prefix: readonly number[], at = 0): boolean {
  if (bytes.length < at + prefix.length) return false;
  return prefix.every((value, i) => bytes[at + i] === value);
}

function ascii(text: string): number[] {
  return Array.from(text, (c) => c.charCodeAt(0));
}

function isoBrand(bytes: Uint8Array): ImageFormat | undefined {
  if (!startsWith(bytes, ascii('ftyp'), 4)) return undefined;
  const brand = String.fromCharCode(...bytes.subarray(8, 12));
  if (brand === 'avif' || brand === 'avis') return 'avif';
  if (['heic', 'heix', 'heim', 'heis', 'mif1', 'msf1'].includes(brand)) return 'heic';
  return undefined;
}

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
/** Start-of-image, then the first marker's 0xff. */
const JPEG_SIGNATURE = [0xff, 0xd8, 0xff];

/** The format named by the file's magic number, or undefined when it is no image format we know. */
export function sniffImageFormat(bytes: Uint8Array): ImageFormat | undefined {
  if (startsWith(bytes, PNG_SIGNATURE)) return 'png';
  if (startsWith(bytes, JPEG_SIGNATURE)) return 'jpeg';
  if (startsWith(bytes, ascii('GIF87a')) || startsWith(bytes, ascii('GIF89a'))) return 'gif';
  if (startsWith(bytes, ascii('RIFF')) && startsWith(bytes, ascii('WEBP'), 8)) return 'webp';
  if (startsWith(bytes, ascii('BM'))) return 'bmp';
  if (startsWith(bytes, ascii('II*\0')) || startsWith(bytes, ascii('MM\0*'))) return 'tiff';
  if (startsWith(bytes, [0, 0, 1, 0])) return 'ico';
  return isoBrand(bytes);
}

/**
 * PNG or JPEG when the data is shorter than that format's signature and starts like it (at least two
 * bytes: `ff d8` is a JPEG's start-of-image marker): a file cut off right at its start.
 */
export function cutOffSignature(bytes: Uint8Array): ImageFormat | undefined {
  if (bytes.length < 2) return undefined;
  const formats = [
    ['png', PNG_SIGNATURE],
    ['jpeg', JPEG_SIGNATURE],
  ] as const;
  return formats.find(([, signature]) => bytes.length < signature.length && bytes.every((b, i) => b === signature[i]))?.[0];
}

/** The first bytes as hex plus their printable text, for error messages. */
export function describeLeadingBytes(bytes: Uint8Array, count = 12): string {
  const head = bytes.subarray(0, count);
  const hex = Array.from(head, (b) => b.toString(16).padStart(2, '0')).join(' ');
  const text = Array.from(head, (b) => (b >= 0x20 && b < 0x7f ? String.fromCharCode(b) : '.')).join('');
  return `${hex} ("${text}")`;
}

export function unrecognisedFormatError(bytes: Uint8Array, supported: string): RetinaError {
  const problem =
    bytes.length === 0
      ? 'The image data is empty (0 bytes)'
      : `The image format was not recognised: the data starts with ${describeLeadingBytes(bytes)}`;
  return new RetinaError(
    'UNSUPPORTED_IMAGE_FORMAT',
    `${problem}. Supported here: ${supported}. Pass the bytes of such a file (not text, base64 or a ` +
      'file name), or decoded pixels as {data, width, height, channels}.',
  );
}
