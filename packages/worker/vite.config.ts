// worker.js: the module worker with core and onnxruntime-web bundled, and onnxruntime-web's .mjs glue
// and .wasm emitted beside it under their own names.
import { defineConfig } from 'vite';

export default defineConfig({
  base: './',
  resolve: { conditions: ['source', 'onnxruntime-web-use-extern-wasm', 'browser', 'import', 'module', 'default'] },
  build: {
    outDir: 'dist',
    assetsDir: '',
    target: 'es2022',
    rolldownOptions: {
      input: 'src/worker/main.ts',
      output: { format: 'es', entryFileNames: 'worker.js', assetFileNames: '[name][extname]' },
    },
  },
});
