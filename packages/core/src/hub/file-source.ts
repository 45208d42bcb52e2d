import { RetinaError } from '../errors.js';
import type { ModelRepo, ReadFileOptions } from './model-repo.js';
import { parseJsonFile } from './parse-json.js';

/** What each kind of location (folder, URL, several in turn) implements; `repoFromSource` adds the rest. */
export interface FileSource {
  readonly location: string;
  bytes(file: string, options: ReadFileOptions): Promise<Uint8Array>;
  /** Drops a kept copy of the file, if the source keeps any. */
  discard(file: string): Promise<void>;
  /** Whether reading the file is answered from a kept copy, without a request. */
  cached(file: string): Promise<boolean>;
}

export function repoFromSource(source: FileSource): ModelRepo {
  return {
    location: source.location,
    json<T>(file: string, options: ReadFileOptions = {}) {
      return withCheckedName(file, async () => parseJsonFile(await source.bytes(file, options), file, source.location) as T);
    },
    bytes(file, options = {}) {
      return withCheckedName(file, () => source.bytes(file, options));
    },
    discard(file) {
      return withCheckedName(file, () => source.discard(file));
    },
    cached(file) {
      return withCheckedName(file, () => source.cached(file));
    },
  };
}

async function withCheckedName<T>(file: string, read: () => Promise<T>): Promise<T> {
  checkFileName(file);
  return read();
}

/** Repo files are relative paths inside the repo; anything else could read outside it. */
function checkFileName(file: string): void {
  const segments = file.split(/[\\/]/);
  if (/^[a-z]+:/i.test(file) || segments.some((segment) => segment === '' || segment === '..')) {
    throw new RetinaError(
      'INVALID_ARGUMENT',
      `"${file}" is not a file name inside a model repo; use a relative path such as "config.json" or "onnx/model.onnx".`,
    );
  }
}
