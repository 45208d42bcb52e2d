/**
 * Registers the service worker (offline use, local model folders). The build emits sw.js at the
 * app's root; in development the dev server compiles the module source.
 */
export async function registerServiceWorker(): Promise<void> {
  if (!('serviceWorker' in navigator)) return;
  const script = import.meta.env.DEV ? 'src/service-worker/sw.ts' : 'sw.js';
  const scope = new URL('./', document.baseURI);
  await navigator.serviceWorker.register(new URL(script, scope), { type: 'module', scope: scope.href });
}
