import { defineConfig } from 'vitest/config';

// One Vitest project per package; end-to-end browser tests live in e2e/ and run under Playwright.
export default defineConfig({
  test: {
    projects: ['packages/*'],
  },
});
