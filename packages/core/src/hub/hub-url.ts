import type { HubSettings } from './settings.js';

/** Escapes each segment of a repo file path for a URL, keeping the slashes. */
export function encodeFilePath(file: string): string {
  return file.split('/').map(encodeURIComponent).join('/');
}

/** URL of `file` in hub repo `id` at `revision`, from `remoteHost` and `remotePathTemplate`. */
export function hubFileUrl(settings: HubSettings, id: string, revision: string, file: string): string {
  const path = settings.remotePathTemplate.replaceAll('{model}', id).replaceAll('{revision}', encodeURIComponent(revision));
  const withFile = path.includes('{file}')
    ? path.replaceAll('{file}', encodeFilePath(file))
    : `${path.replace(/\/*$/, '/')}${encodeFilePath(file)}`;
  if (/^https?:\/\//i.test(withFile)) return withFile;
  return `${settings.remoteHost.replace(/\/+$/, '')}/${withFile.replace(/^\/+/, '')}`;
}
