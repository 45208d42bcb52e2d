import { defineProject } from 'vitest/config';

// dist/main.js bundles @retina/core (from its TypeScript sources, as the tests run it), so the CLI installs from
// its own tarball, globally too, and core's runtime imports (onnxruntime-node, onnxruntime-web) resolve from the
// CLI's own dependencies, as does @cwasm/jpeg-turbo's jpeg-turbo.wasm, read from the installed package. Everything
// else it imports stays external.
export default defineProject({
  resolve: { alias: { '#onnxruntime-web': 'onnxruntime-web' } },
  ssr: { noExternal: ['@retina/core'], resolve: { conditions: ['source'] } },
  build: {
    ssr: 'src/main.ts',
    outDir: 'dist',
    target: 'node20',
    rolldownOptions: { output: { entryFileNames: 'main.js' } },
  },
  test: {
    name: 'cli',
    environment: 'node',
    include: ['src/**/*.test.ts'],
    testTimeout: 60_000,
  },
});
