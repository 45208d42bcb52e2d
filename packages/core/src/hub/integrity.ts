import { RetinaError } from '../errors.js';

/** Checks a downloaded file against its expected SHA-256; rejects naming the file and both hashes. */
export type VerifyFile = (file: string, bytes: Uint8Array<ArrayBuffer>, location: string) => Promise<void>;

interface ExpectedHash {
  /** As given, for messages. */
  written: string;
  /** Lowercase hex digits, or the `sha256-<base64>` string. */
  value: string;
  isHex: boolean;
}

/**
 * `expected` maps repo files to `sha256-<base64>` (SRI) or 64 hex digits; other files pass unchecked.
 * Every hash is checked for its form here, before anything is read: a malformed one is INVALID_ARGUMENT.
 */
export function integrityVerifier(expected: Readonly<Record<string, string>> | undefined): VerifyFile {
  const hashes = new Map(Object.entries(expected ?? {}).map(([file, written]) => [file, parseHash(file, written)] as const));
  return async (file, bytes, location) => {
    const wanted = hashes.get(file);
    if (wanted === undefined) return;
    const actual = await sha256(bytes, file, wanted.isHex);
    if (actual !== wanted.value) {
      throw new RetinaError(
        'MODEL_LOAD_FAILED',
        `Integrity check failed for ${file} from ${location}: expected ${wanted.written}, got ${actual}. ` +
          'The file differs from the one the hash was taken of; pin the revision it came from or update the hash.',
      );
    }
  };
}

function parseHash(file: string, written: unknown): ExpectedHash {
  const trimmed = typeof written === 'string' ? written.trim() : '';
  if (/^[0-9a-fA-F]{64}$/.test(trimmed)) return { written: trimmed, value: trimmed.toLowerCase(), isHex: true };
  if (/^sha256-[A-Za-z0-9+/]{43}=$/.test(trimmed)) return { written: trimmed, value: trimmed, isHex: false };
  throw new RetinaError(
    'INVALID_ARGUMENT',
    `integrity["${file}"] is ${JSON.stringify(written)}; expected "sha256-<base64>" or 64 hex digits.`,
  );
}

/** The file's SHA-256 as hex digits or as `sha256-<base64>`. */
async function sha256(bytes: Uint8Array<ArrayBuffer>, file: string, asHex: boolean): Promise<string> {
  if (!globalThis.crypto?.subtle) {
    throw new RetinaError(
      'MODEL_LOAD_FAILED',
      `Cannot check the integrity of ${file}: crypto.subtle is unavailable (browsers only offer it on https:// or localhost pages).`,
    );
  }
  const digest = new Uint8Array(await globalThis.crypto.subtle.digest('SHA-256', bytes));
  return asHex
    ? Array.from(digest, (byte) => byte.toString(16).padStart(2, '0')).join('')
    : `sha256-${btoa(String.fromCharCode(...digest))}`;
}
