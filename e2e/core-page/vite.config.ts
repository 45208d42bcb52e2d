// Builds the core page into e2e/core-page/dist, served at /core-page/ by the e2e static server.
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: '/core-page/',
  logLevel: 'warn',
  // `source` builds @retina/core from its TypeScript, so the page tests the code as it is now.
  resolve: { conditions: ['source', 'browser', 'import', 'module', 'default'] },
  build: { outDir: fileURLToPath(new URL('dist', import.meta.url)), emptyOutDir: true, target: 'es2022' },
});
