import { defineProject } from 'vitest/config';

export default defineProject({
  // Tests run @retina/core from its TypeScript sources (its package.json "source" export), not from dist.
  ssr: { resolve: { conditions: ['source'] } },
  test: {
    name: 'demo',
    environment: 'node',
    include: ['src/**/*.test.ts'],
    testTimeout: 300_000,
  },
});
