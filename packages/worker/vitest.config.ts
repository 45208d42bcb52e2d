import { defineProject } from 'vitest/config';

export default defineProject({
  ssr: { resolve: { conditions: ['source'] } },
  test: {
    name: 'worker',
    environment: 'node',
    include: ['src/**/*.test.ts'],
    // The public types are tested at the type level (src/**/*.test-d.ts, checked by tsc).
    typecheck: { enabled: true, include: ['src/**/*.test-d.ts'], tsconfig: './tsconfig.json' },
  },
});
