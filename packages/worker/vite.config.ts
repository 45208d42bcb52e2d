// worker.js: the module worker with core and onnxruntime-web bundled, and onnxruntime-web's .mjs glue
// and .wasm emitted beside it under their own names.
import { defineConfig, type Plugin } from 'vite';

// Under file: URLs onnxruntime-web finds itself as new URL('ort.webgpu.min.mjs', import.meta.url). Bundled, that file is
// gone and worker.js is its own code, so import.meta.url is the answer; left as it was, every app that bundles worker.js
// warns that ort.webgpu.min.mjs does not exist.
function ortLocatesItselfByImportMetaUrl(): Plugin {
  const selfUrl = /new (\w+)\("ort\.webgpu\.min\.mjs",import\.meta\.url\)\.href/;
  return {
    name: 'ort-locates-itself-by-import-meta-url',
    transform(code, id) {
      if (!id.endsWith('/onnxruntime-web/dist/ort.webgpu.min.mjs')) return undefined;
      if (!selfUrl.test(code)) this.error('onnxruntime-web no longer locates itself as this plugin expects: update the pattern.');
      return { code: code.replace(selfUrl, 'import.meta.url'), map: null };
    },
  };
}

export default defineConfig({
  base: './',
  resolve: { conditions: ['source', 'onnxruntime-web-use-extern-wasm', 'browser', 'import', 'module', 'default'] },
  plugins: [ortLocatesItselfByImportMetaUrl()],
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
