import { defineConfig } from 'vitest/config';

// One Vitest project per package and app, plus the benchmark harness's own helpers; end-to-end browser tests live in e2e/ and run under Playwright.
export default defineConfig({
  test: {
    projects: ['packages/*', 'apps/demo', 'bench'],
  },
});
