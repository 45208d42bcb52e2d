// Shared by the page and the service worker: a picked model folder is copied into this cache, and
// the service worker answers requests under this path from it, so the Retina worker can fetch the
// folder like any model URL.
export const LOCAL_FOLDER_CACHE = 'retina-demo-local-folder';
export const LOCAL_FOLDER_PATH = 'local-models/';
