/**
 * The model source as the worker must see it: a path relative to the page (`./models/beit`) would
 * otherwise resolve against worker.js. It becomes a same-origin absolute path, which the hub still
 * treats as the app's own files.
 */
export function modelSourceForWorker(source: string): string {
  if (!/^\.{1,2}\//.test(source) || typeof document === 'undefined') return source;
  return new URL(source, document.baseURI).pathname;
}
