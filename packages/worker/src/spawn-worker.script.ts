// The script-tag build's replacement for spawn-worker.ts: a classic script has no import.meta.url, so
// worker.js is found beside the <script> that loaded Retina. currentScript is only set while that
// script first runs, hence read at load time.
const scriptUrl = (document.currentScript as HTMLScriptElement | null)?.src ?? document.baseURI;

export function spawnWorker(): Worker {
  return new Worker(new URL('worker.js', scriptUrl), { type: 'module' });
}
