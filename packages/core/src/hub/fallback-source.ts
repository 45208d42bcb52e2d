import { RetinaError } from '../errors.js';
import type { FileSource } from './file-source.js';
import { isFileNotFound } from './read-errors.js';

/**
 * Tries each source in turn for every file: a file missing from one is looked up in the next.
 * `hint` ends the error when no source has the file (e.g. which setting would add a source).
 */
export function fallbackSource(sources: readonly FileSource[], hint: string): FileSource {
  const [only] = sources;
  if (sources.length === 1 && only && hint === '') return only;

  return {
    location: sources.map((source) => source.location).join(', then '),
    async bytes(file, options) {
      const misses: string[] = [];
      for (const source of sources) {
        try {
          return await source.bytes(file, options);
        } catch (error) {
          if (!isFileNotFound(error)) throw error;
          misses.push((error as Error).message);
        }
      }
      throw new RetinaError('FILE_NOT_FOUND', [...misses, hint].filter(Boolean).join(' '));
    },
    async discard(file) {
      await Promise.all(sources.map((source) => source.discard(file)));
    },
    // The first source is always asked first: only its kept copy spares every request.
    cached: (file) => sources[0]?.cached(file) ?? Promise.resolve(false),
  };
}
