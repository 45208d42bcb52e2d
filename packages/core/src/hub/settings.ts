import type { CacheStorageLike } from './browser-cache.js';
import { DEFAULT_MAX_FILE_BYTES } from './read-limit.js';

/**
 * Where model files may come from and how they are fetched. Change {@link hubSettings} for the
 * whole app, or pass a subset to `openModelRepo` for one model.
 */
export interface HubSettings {
  /** Look up model ids on the hub (`remoteHost`). Default true. */
  allowRemoteModels: boolean;
  /** Look up model ids under `localModelPath` before the hub. Default true in Node, false in browsers. */
  allowLocalModels: boolean;
  /** Folder (Node) or URL path prefix (browser) holding `<id>/config.json`, ... Default `./models/` in Node, `/models/` in browsers. */
  localModelPath: string;
  /** Default `https://huggingface.co`. */
  remoteHost: string;
  /**
   * Path of a hub file under `remoteHost`, with `{model}`, `{revision}` and `{file}` placeholders;
   * without `{file}` the file is appended. An absolute http(s) URL replaces `remoteHost` too.
   * Default `{model}/resolve/{revision}/{file}`.
   */
  remotePathTemplate: string;
  /** Keep downloaded files in the Cache API (when the runtime has one). Default true. */
  useBrowserCache: boolean;
  /** Cache API bucket. Default `retina-models`. */
  cacheName: string;
  /** Replaces the global `fetch` for every network read. */
  fetch: typeof fetch | undefined;
  /**
   * Largest file read, in bytes (downloads as they inflate, the Cache API, folders). Default 4 GiB
   * ({@link DEFAULT_MAX_FILE_BYTES}); a larger one is refused with FILE_TOO_LARGE before it is allocated.
   */
  maxFileBytes: number;
}

/** Per-model overrides of {@link hubSettings}, plus what only makes sense for one model. */
export interface HubOptions extends Partial<HubSettings> {
  /** Branch, tag or commit of a hub id. Default `main`; `id@revision` in the source works too. */
  revision?: string;
  /** Expected SHA-256 per file, as `sha256-<base64>` or 64 hex digits; a mismatch rejects and caches nothing. */
  integrity?: Readonly<Record<string, string>>;
  /** Cache API to use instead of `globalThis.caches`. */
  cacheStorage?: CacheStorageLike;
}

export const isNode: boolean = typeof process !== 'undefined' && typeof process.versions?.node === 'string';

/** The app-wide defaults; mutate fields to change them for models opened afterwards. */
export const hubSettings: HubSettings = {
  allowRemoteModels: true,
  allowLocalModels: isNode,
  localModelPath: isNode ? './models/' : '/models/',
  remoteHost: 'https://huggingface.co',
  remotePathTemplate: '{model}/resolve/{revision}/{file}',
  useBrowserCache: true,
  cacheName: 'retina-models',
  fetch: undefined,
  maxFileBytes: DEFAULT_MAX_FILE_BYTES,
};

/** Settings of one repo: the app-wide ones as they are now, with `options` on top. */
export function resolveHubSettings(options: HubOptions = {}): HubSettings & HubOptions {
  const defined = Object.fromEntries(Object.entries(options).filter(([, value]) => value !== undefined));
  return { ...hubSettings, ...defined };
}
