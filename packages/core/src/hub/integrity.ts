import { RetinaError } from '../errors.js';

/** Checks a downloaded file against its expected SHA-256; rejects naming the file and both hashes. */
export type VerifyFile = (file: string, bytes: Uint8Array<ArrayBuffer>, location: string) => Promise<void>;

/** `expected` maps repo files to `sha256-<base64>` (SRI) or 64 hex digits; other files pass unchecked. */
export function integrityVerifier(expected: Readonly<Record<string, string>> | undefined): VerifyFile {
  return async (file, bytes, location) => {
    const wanted = expected?.[file];
    if (wanted === undefined) return;
    const actual = await integrityMismatch(bytes, wanted, file);
    if (actual !== undefined) {
      throw new RetinaError(
        'MODEL_LOAD_FAILED',
        `Integrity check failed for ${file} from ${location}: expected ${wanted}, got ${actual}. ` +
          'The file differs from the one the hash was taken of; pin the revision it came from or update the hash.',
      );
    }
  };
}

/** The file's hash, written like `wanted`, when it differs from `wanted`; undefined when it matches. */
async function integrityMismatch(bytes: Uint8Array<ArrayBuffer>, wanted: string, file: string): Promise<string | undefined> {
  const expected = wanted.trim();
  const isHex = /^[0-9a-fA-F]{64}$/.test(expected);
  if (!isHex && !/^sha256-[A-Za-z0-9+/]{43}=$/.test(expected)) {
    throw new RetinaError('INVALID_ARGUMENT', `integrity["${file}"] is "${wanted}"; expected "sha256-<base64>" or 64 hex digits.`);
  }
  if (!globalThis.crypto?.subtle) {
    throw new RetinaError(
      'MODEL_LOAD_FAILED',
      `Cannot check the integrity of ${file}: crypto.subtle is unavailable (browsers only offer it on https:// or localhost pages).`,
    );
  }
  const digest = new Uint8Array(await globalThis.crypto.subtle.digest('SHA-256', bytes));
  const actual = isHex
    ? Array.from(digest, (byte) => byte.toString(16).padStart(2, '0')).join('')
    : `sha256-${btoa(String.fromCharCode(...digest))}`;
  return actual === (isHex ? expected.toLowerCase() : expected) ? undefined : actual;
}
