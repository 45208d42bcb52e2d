// Decoding of the values pickle opcodes carry: integers, floats and protocol 0's text literals.

/**
 * The widest integer read: 1 KiB (8192 bits, 2,467 decimal digits). A state dict's integers (sizes,
 * strides, storage offsets, versions) fit in 8 bytes; a wider one can only make decoding slow.
 */
export const MAX_INTEGER_BYTES = 1024;
const MAX_INTEGER_DIGITS = 2467;

/** The unpickler's way to refuse a malformed value. */
export interface FailHook {
  fail(problem: string): never;
}

/** Python 2 strings and text opcodes are bytes as code points 0–255 (TextDecoder's 'latin1' is windows-1252). */
export function latin1(bytes: Uint8Array): string {
  let text = '';
  for (const byte of bytes) text += String.fromCharCode(byte);
  return text;
}

/** A two's-complement little-endian integer (LONG1, LONG4) of at most {@link MAX_INTEGER_BYTES} bytes. */
export function littleEndianInt(bytes: Uint8Array, hooks: FailHook): number | bigint {
  if (bytes.length > MAX_INTEGER_BYTES) hooks.fail(tooWide(`${bytes.length}-byte`));
  let value = 0n;
  for (let i = bytes.length - 1; i >= 0; i--) value = (value << 8n) | BigInt(bytes[i]!);
  if (bytes.length > 0 && bytes[bytes.length - 1]! & 0x80) value -= 1n << BigInt(8 * bytes.length);
  return Number.isSafeInteger(Number(value)) && BigInt(Number(value)) === value ? Number(value) : value;
}

export function parseIntLine(line: string, hooks: FailHook): number | bigint | boolean {
  if (line === '01') return true;
  if (line === '00') return false;
  if (!/^[+-]?\d+$/.test(line)) hooks.fail(`it has the malformed integer "${line.slice(0, 80)}"`);
  if (line.replace(/^[+-]?0*/, '').length > MAX_INTEGER_DIGITS) hooks.fail(tooWide(`${line.length}-digit`));
  const value = BigInt(line);
  return Number.isSafeInteger(Number(value)) ? Number(value) : value;
}

function tooWide(size: string): string {
  return (
    `it has a ${size} integer; Retina reads integers of up to ${MAX_INTEGER_BYTES} bytes (${MAX_INTEGER_DIGITS} digits), ` +
    "and a state dict's sizes, strides and offsets need 8"
  );
}

export function parseFloatLine(line: string, hooks: FailHook): number {
  const value = Number(line);
  if (line.trim() === '' || (Number.isNaN(value) && !/^[+-]?nan$/i.test(line))) hooks.fail(`it has the malformed float "${line}"`);
  return value;
}

export function parseMemoIndex(line: string, hooks: FailHook): number {
  if (!/^\d+$/.test(line)) hooks.fail(`it has the malformed memo index "${line}"`);
  return Number(line);
}

/** Protocol 0's STRING: a quoted Python literal with backslash escapes. */
export function unquoteString(line: string, hooks: FailHook): string {
  const quote = line[0];
  if ((quote !== "'" && quote !== '"') || line.length < 2 || line.at(-1) !== quote) hooks.fail('it has an unquoted STRING');
  return line.slice(1, -1).replace(/\\(x[0-9a-fA-F]{2}|.)/g, (_, escape: string) => {
    if (escape.startsWith('x')) return String.fromCharCode(parseInt(escape.slice(1), 16));
    return ({ n: '\n', r: '\r', t: '\t', '0': '\0' } as Record<string, string>)[escape] ?? escape;
  });
}

/** Protocol 0's UNICODE: raw-unicode-escape, where only \uXXXX and \UXXXXXXXX are escapes. */
export function unescapeRawUnicode(line: string): string {
  return line.replace(/\\u([0-9a-fA-F]{4})|\\U([0-9a-fA-F]{8})/g, (_, short?: string, long?: string) =>
    String.fromCodePoint(parseInt(short ?? long!, 16)),
  );
}
