import { RetinaError } from '../errors.js';

/**
 * Largest model file Retina reads unless `maxFileBytes` says otherwise: 4 GiB. The largest checkpoints of
 * the families it runs are about 1.3 GB (BEiT-large, DPT-large), and a 32-bit WebAssembly runtime cannot
 * hold more; a file past it is refused before it is allocated (a Content-Length, a file's size on disk) or
 * as soon as its body passes it.
 */
export const DEFAULT_MAX_FILE_BYTES = 2 ** 32;

/** FILE_TOO_LARGE: `file` from `where` `problem` (e.g. "is 3000000000 bytes (its Content-Length)"), more than `maxBytes`. */
export function fileTooLarge(file: string, where: string, problem: string, maxBytes: number): RetinaError {
  return new RetinaError(
    'FILE_TOO_LARGE',
    `${file} from ${where} ${problem}, more than maxFileBytes (${maxBytes} bytes) allows. Check that this is the model ` +
      'meant; if its files really are that large, raise maxFileBytes (in hubSettings or the load options; --max-file-bytes in the CLI).',
  );
}

/** Throws unless `maxFileBytes` is a positive whole number of bytes. */
export function checkMaxFileBytes(maxFileBytes: number): void {
  if (!(Number.isSafeInteger(maxFileBytes) && maxFileBytes > 0)) {
    throw new RetinaError(
      'INVALID_ARGUMENT',
      `maxFileBytes must be a positive whole number of bytes, got ${String(maxFileBytes)}. Leave it out for the default (4 GiB).`,
    );
  }
}
