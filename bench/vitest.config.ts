import { defineConfig } from 'vitest/config';

// The harness's own unit tests (statistics helpers); the benchmark itself is `pnpm bench`.
export default defineConfig({
  test: { name: 'bench', include: ['*.test.ts'] },
});
