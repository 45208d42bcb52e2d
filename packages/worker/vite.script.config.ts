// retina.js: the script-tag build, defining the global `Retina`; it starts the worker.js beside it.
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

export default defineConfig({
  resolve: {
    conditions: ['source', 'browser', 'import', 'module', 'default'],
    alias: [{ find: /^\.\.\/spawn-worker\.js$/, replacement: fileURLToPath(new URL('src/spawn-worker.script.ts', import.meta.url)) }],
  },
  build: {
    outDir: 'dist',
    emptyOutDir: false,
    target: 'es2022',
    lib: { entry: 'src/index.ts', name: 'Retina', formats: ['iife'], fileName: () => 'retina.js' },
  },
});
