// Node only: the node: modules are imported on first use so browser bundles never load them.
import { RetinaError } from '../errors.js';
import { importNodeOnly } from '../node-builtin.js';
import type { FileSource } from './file-source.js';
import type { VerifyFile } from './integrity.js';
import type { ReadFileOptions } from './model-repo.js';
import { abortError, describeError, throwIfAborted } from './read-errors.js';
import { fileTooLarge } from './read-limit.js';

const CHUNK_BYTES = 1 << 20;

interface NodeModules {
  fs: typeof import('node:fs/promises');
  path: typeof import('node:path');
  url: typeof import('node:url');
}

let nodeModules: Promise<NodeModules> | undefined;

function loadNodeModules(): Promise<NodeModules> {
  nodeModules ??= Promise.all([
    importNodeOnly<NodeModules['fs']>('node:fs/promises'),
    importNodeOnly<NodeModules['path']>('node:path'),
    importNodeOnly<NodeModules['url']>('node:url'),
  ]).then(([fs, path, url]) => ({ fs, path, url }));
  return nodeModules;
}

/**
 * Files of a folder on disk; `folder` is a path (relative to the working directory) or a file: URL. A file
 * of more than `maxFileBytes` is refused from its size, before it is read.
 */
export function nodeFolderSource(folder: string, verify: VerifyFile, maxFileBytes: number): FileSource {
  const location = folder;
  const resolvePath = async (file: string) => {
    const { path, url } = await loadNodeModules();
    const root = folder.startsWith('file:') ? url.fileURLToPath(folder) : path.resolve(folder);
    return path.join(root, file);
  };

  return {
    location,
    // Files on disk are read afresh every time.
    discard: async () => undefined,
    cached: async () => false,
    async bytes(file, options) {
      throwIfAborted(options.signal, file, location);
      const { fs } = await loadNodeModules();
      const filePath = await resolvePath(file);
      try {
        const handle = await fs.open(filePath, 'r');
        try {
          const bytes = await readWithProgress(handle, file, filePath, options, maxFileBytes);
          await verify(file, bytes, filePath);
          return bytes;
        } finally {
          await handle.close();
        }
      } catch (error) {
        if (error instanceof RetinaError || error instanceof DOMException || options.signal?.aborted) throw error;
        throw fileError(error, file, filePath);
      }
    },
  };
}

async function readWithProgress(
  handle: import('node:fs/promises').FileHandle,
  file: string,
  filePath: string,
  { signal, onProgress }: ReadFileOptions,
  maxFileBytes: number,
): Promise<Uint8Array<ArrayBuffer>> {
  const { size } = await handle.stat();
  if (size > maxFileBytes) throw fileTooLarge(file, filePath, `is ${size} bytes`, maxFileBytes);
  const data = new Uint8Array(size);
  let loaded = 0;
  do {
    if (signal?.aborted) throw abortError(file, filePath, signal);
    const { bytesRead } = await handle.read(data, loaded, Math.min(CHUNK_BYTES, size - loaded), loaded);
    if (bytesRead === 0 && loaded < size) {
      throw new RetinaError('MODEL_LOAD_FAILED', `${filePath} ended after ${loaded} of ${size} bytes; was it changed while being read?`);
    }
    loaded += bytesRead;
    onProgress?.({ file, loaded, total: size });
  } while (loaded < size);
  // An abort from the last progress event still counts.
  if (signal?.aborted) throw abortError(file, filePath, signal);
  return data;
}

function fileError(error: unknown, file: string, filePath: string): RetinaError {
  const code = (error as { code?: unknown }).code;
  if (code === 'ENOENT' || code === 'ENOTDIR') {
    return new RetinaError(
      'FILE_NOT_FOUND',
      `${file} was not found at ${filePath}. Check the folder path and that the model folder contains this file.`,
      { cause: error },
    );
  }
  return new RetinaError('MODEL_LOAD_FAILED', `Could not read ${filePath}: ${describeError(error)}`, { cause: error });
}
