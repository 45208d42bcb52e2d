// Kept at the package root: compiled to dist/spawn-worker.js, this expression finds dist/worker.js, and
// bundlers (Vite, webpack 5) recognise it and bundle the worker with the app.
export function spawnWorker(): Worker {
  return new Worker(new URL('./worker.js', import.meta.url), { type: 'module' });
}
