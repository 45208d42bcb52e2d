// The demo's service worker: keeps the whole build (app, Retina worker, onnxruntime-web's
// WebAssembly, models, samples) so the app works offline once loaded, and serves picked local model
// folders to the Retina worker.
import { LOCAL_FOLDER_CACHE, LOCAL_FOLDER_PATH } from '../lib/local-folder-route.js';

declare const self: ServiceWorkerGlobalScope;

interface Precache {
  version: string;
  files: string[];
}

// The build replaces this string with the JSON list of its files (build/precache-manifest.ts).
const PRECACHE_JSON = '__RETINA_PRECACHE_MANIFEST__';

function readPrecache(): Precache | undefined {
  try {
    return JSON.parse(PRECACHE_JSON) as Precache;
  } catch {
    return undefined; // development: nothing to precache, everything comes from the dev server
  }
}

const precache = readPrecache();
const APP_CACHE_PREFIX = 'retina-demo-app-';
const appCache = `${APP_CACHE_PREFIX}${precache?.version ?? 'dev'}`;
const scopeUrl = (path: string) => new URL(path, self.registration.scope).href;

self.addEventListener('install', (event) => {
  void self.skipWaiting();
  if (precache) event.waitUntil(caches.open(appCache).then((cache) => cache.addAll(precache.files.map(scopeUrl))));
});

self.addEventListener('activate', (event) => {
  event.waitUntil(
    (async () => {
      const stale = (await caches.keys()).filter((name) => name.startsWith(APP_CACHE_PREFIX) && name !== appCache);
      await Promise.all(stale.map((name) => caches.delete(name)));
      await self.clients.claim();
    })(),
  );
});

async function localFolderFile(request: Request): Promise<Response> {
  const file = await (await caches.open(LOCAL_FOLDER_CACHE)).match(request.url);
  if (!file) return new Response('Not in the picked folder', { status: 404, statusText: 'Not Found' });
  return request.method === 'HEAD' ? new Response(null, { headers: file.headers }) : file;
}

async function fromAppCache(request: Request): Promise<Response> {
  const cached = await caches.match(request, { cacheName: appCache, ignoreSearch: true });
  if (cached) return cached;
  try {
    return await fetch(request);
  } catch (error) {
    const shell = request.mode === 'navigate' && (await caches.match(scopeUrl('./'), { cacheName: appCache }));
    if (shell) return shell;
    throw error;
  }
}

self.addEventListener('fetch', (event) => {
  const { request } = event;
  if (!request.url.startsWith(self.registration.scope)) return;
  if (request.url.startsWith(scopeUrl(LOCAL_FOLDER_PATH))) {
    event.respondWith(localFolderFile(request));
  } else if (precache && request.method === 'GET') {
    event.respondWith(fromAppCache(request));
  }
});
