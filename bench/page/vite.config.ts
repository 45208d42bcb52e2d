// Builds the bench page and its two workers (the floor and transformers.js) into bench/dist.
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

// `source` builds @retina/core from TypeScript; the extern-wasm condition makes onnxruntime-web load
// its .mjs/.wasm from `wasmPaths` (served locally) instead of bundling or fetching them.
const conditions = ['source', 'onnxruntime-web-use-extern-wasm', 'browser', 'import', 'module', 'default'];

export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: '/bench/',
  logLevel: 'warn',
  resolve: { conditions },
  worker: { format: 'es' },
  build: {
    outDir: fileURLToPath(new URL('../dist', import.meta.url)),
    emptyOutDir: true,
    target: 'es2022',
    // The workers bundle onnxruntime-web and transformers.js; their size is not the point here.
    chunkSizeWarningLimit: 4096,
  },
});
