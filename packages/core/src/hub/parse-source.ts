import { RetinaError } from '../errors.js';

/** What a source string names: a folder on disk, a base URL, or a hub model id. */
export type ParsedSource =
  { kind: 'folder'; folder: string } | { kind: 'url'; base: string } | { kind: 'id'; id: string; revision: string };

const MODEL_ID = /^[A-Za-z0-9][\w.-]*(\/[A-Za-z0-9][\w.-]*)?$/;
const PATH_LIKE = /^(\.{1,2}([\\/]|$)|[\\/]|[A-Za-z]:[\\/])/;

export function parseSource(source: string, revisionOption: string | undefined, node: boolean): ParsedSource {
  if (/^https?:\/\//i.test(source)) return { kind: 'url', base: withoutTrailingSlash(source) };
  if (/^file:/i.test(source)) {
    if (!node) {
      throw new RetinaError(
        'INVALID_ARGUMENT',
        `Cannot open ${source}: file: URLs only work in Node. In a browser, serve the folder over HTTP and pass its URL.`,
      );
    }
    return { kind: 'folder', folder: source };
  }
  if (PATH_LIKE.test(source)) return node ? { kind: 'folder', folder: source } : { kind: 'url', base: withoutTrailingSlash(source) };

  const [id = '', revisionInSource, ...rest] = source.split('@');
  if (!MODEL_ID.test(id) || rest.length > 0 || revisionInSource === '') {
    throw new RetinaError(
      'INVALID_ARGUMENT',
      `"${source}" is not a model id ("owner/name" or "owner/name@revision"), an http(s) URL or a folder path. ` +
        'Local folders need an absolute path or one starting with "./".',
    );
  }
  if (revisionInSource !== undefined && revisionOption !== undefined && revisionInSource !== revisionOption) {
    throw new RetinaError(
      'INVALID_ARGUMENT',
      `"${source}" names revision "${revisionInSource}" but options.revision is "${revisionOption}"; give only one.`,
    );
  }
  return { kind: 'id', id, revision: revisionInSource ?? revisionOption ?? 'main' };
}

function withoutTrailingSlash(url: string): string {
  return url.replace(/\/+$/, '');
}
