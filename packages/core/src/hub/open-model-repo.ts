import { RetinaError } from '../errors.js';
import { lazyCache } from './browser-cache.js';
import { fallbackSource } from './fallback-source.js';
import { repoFromSource, type FileSource } from './file-source.js';
import { httpSource } from './http-source.js';
import { encodeFilePath, hubFileUrl } from './hub-url.js';
import { integrityVerifier, type VerifyFile } from './integrity.js';
import type { ModelRepo } from './model-repo.js';
import { nodeFolderSource } from './node-folder-source.js';
import { parseSource, type ParsedSource } from './parse-source.js';
import { checkMaxFileBytes } from './read-limit.js';
import { isNode, resolveHubSettings, type HubOptions, type HubSettings } from './settings.js';

type RepoSettings = HubSettings & HubOptions;

/**
 * Opens a model laid out like a Hugging Face repo. `source` is one of:
 * - a folder path (absolute or starting with `./`) or file: URL, read from disk (Node);
 * - an http(s) base URL (in browsers also a path such as `/my-models/beit`): files are `${base}/${file}`,
 *   downloads from http(s) URLs and the hub are kept in the Cache API when `useBrowserCache`;
 * - a hub id `owner/name` or `owner/name@revision`: each file is looked up under `localModelPath`
 *   first when `allowLocalModels`, then on the hub when `allowRemoteModels`.
 * The settings are {@link hubSettings} as they are now, overridden by `options`. Nothing is read
 * until the first call on the repo.
 */
export function openModelRepo(source: string, options: HubOptions = {}): ModelRepo {
  const settings = resolveHubSettings(options);
  checkMaxFileBytes(settings.maxFileBytes);
  return repoFromSource(sourceFor(parseSource(source, settings.revision, isNode), settings));
}

function sourceFor(parsed: ParsedSource, settings: RepoSettings): FileSource {
  const verify = integrityVerifier(settings.integrity);
  switch (parsed.kind) {
    case 'folder':
      return nodeFolderSource(parsed.folder, verify, settings.maxFileBytes);
    case 'url':
      // Same-origin paths are the app's own files, left to the HTTP cache so edits show up.
      return urlSource(parsed.base, settings, verify, /^https?:\/\//i.test(parsed.base));
    case 'id':
      return idSource(parsed.id, parsed.revision, settings, verify);
  }
}

function idSource(id: string, revision: string, settings: RepoSettings, verify: VerifyFile): FileSource {
  const { allowLocalModels, allowRemoteModels, remoteHost } = settings;
  if (!allowLocalModels && !allowRemoteModels) {
    throw new RetinaError(
      'MODEL_LOAD_FAILED',
      `Cannot open ${id}: allowRemoteModels and allowLocalModels are both false. Set allowRemoteModels ` +
        `to true to download it from ${remoteHost}, or allowLocalModels to read it from ${settings.localModelPath}, or pass a folder path or URL.`,
    );
  }
  const sources: FileSource[] = [];
  if (allowLocalModels) {
    const localRoot = `${settings.localModelPath.replace(/[\\/]+$/, '')}/${id}`;
    sources.push(isNode ? nodeFolderSource(localRoot, verify, settings.maxFileBytes) : urlSource(localRoot, settings, verify, false));
  }
  if (allowRemoteModels) sources.push(hubSource(id, revision, settings, verify));
  const hint = allowRemoteModels
    ? ''
    : `Downloads are off: set allowRemoteModels to true (in hubSettings or the options) to fetch ${id} from ${remoteHost}.`;
  return fallbackSource(sources, hint);
}

function urlSource(base: string, settings: RepoSettings, verify: VerifyFile, cached: boolean): FileSource {
  const urlOf = (file: string) => `${base}/${encodeFilePath(file)}`;
  return httpFiles(base, urlOf, 'Check the URL and that the file exists under it.', settings, verify, cached);
}

function hubSource(id: string, revision: string, settings: RepoSettings, verify: VerifyFile): FileSource {
  const urlOf = (file: string) => hubFileUrl(settings, id, revision, file);
  const hint = `Check the model id "${id}", the revision "${revision}" and that the repo has this file.`;
  return httpFiles(urlOf(''), urlOf, hint, settings, verify, true);
}

function httpFiles(
  location: string,
  urlOf: (file: string) => string,
  notFoundHint: string,
  settings: RepoSettings,
  verify: VerifyFile,
  cached: boolean,
): FileSource {
  const cache = lazyCache(cached && settings.useBrowserCache, settings.cacheName, settings.cacheStorage);
  return httpSource({ location, urlOf, fetch: settings.fetch, cache, verify, notFoundHint, maxFileBytes: settings.maxFileBytes });
}
