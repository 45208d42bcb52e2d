/** One step of a file download: `total` is undefined when the server does not say. */
export interface FileProgress {
  file: string;
  loaded: number;
  total: number | undefined;
}

export interface ReadFileOptions {
  signal?: AbortSignal;
  onProgress?: (progress: FileProgress) => void;
}

/**
 * A model laid out like a Hugging Face model repo (config.json, preprocessor_config.json,
 * onnx/model.onnx, ...), wherever it lives: hub, any base URL, a local folder, a custom fetch.
 */
export interface ModelRepo {
  /** Where the files come from (URL or folder), for messages. */
  readonly location: string;
  /** Reads and parses a JSON file. A missing file rejects with code FILE_NOT_FOUND naming file and location. */
  json<T = unknown>(file: string, options?: ReadFileOptions): Promise<T>;
  /** Reads a binary file. A missing file rejects with code FILE_NOT_FOUND naming file and location. */
  bytes(file: string, options?: ReadFileOptions): Promise<Uint8Array>;
  /** Forgets a kept copy of a file that proved unusable (the Cache API's), so that the next read downloads it again. */
  discard?(file: string): Promise<void>;
  /**
   * Whether the repo keeps a copy of the file (the Cache API's), so that reading it asks no server; false
   * when unsure. Source "auto" uses it to skip asking for files it can do without.
   */
  cached?(file: string): Promise<boolean>;
}
