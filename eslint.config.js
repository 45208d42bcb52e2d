// ESLint for the whole workspace: typescript-eslint's type-aware recommended rules on TypeScript, the JS recommended
// rules on the plain scripts. Formatting is Prettier's (`pnpm format`), so no stylistic rules here. The e2e tests,
// the bench and the demo take @retina/worker's types from its dist: `pnpm lint` builds the packages first.
import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';

/** One `no-restricted-imports` block per layer folder of packages/core/src: what it must not import. */
function layerBoundaries(layers) {
  return layers.map(([layer, above]) => ({
    files: [`packages/core/src/${layer}/**/*.ts`],
    ignores: ['**/*.test.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: above.map((other) => ({
            group: [`**/${other}/*`],
            message: `${layer}/ is below ${other}/: move what both need down, or the code up.`,
          })),
        },
      ],
    },
  }));
}

export default tseslint.config(
  { ignores: ['**/dist/', '**/node_modules/', 'test-results/', 'playwright-report/', 'bench/results/', 'bench/.cache/'] },
  js.configs.recommended,
  {
    files: ['**/*.ts'],
    extends: [tseslint.configs.recommendedTypeChecked],
    languageOptions: {
      parserOptions: {
        // Each file is checked with the tsconfig that owns it; the config files outside every tsconfig get a default one.
        projectService: { allowDefaultProject: ['*.config.ts', 'packages/cli/vite.config.ts', 'packages/core/vite.config.ts'] },
        tsconfigRootDir: import.meta.dirname,
      },
    },
    rules: {
      // An async function that implements a Promise-returning interface turns its synchronous throws into rejections,
      // which is why several have no await; the rule cannot tell those from mistakes.
      '@typescript-eslint/require-await': 'off',
      // Our interfaces declare callbacks in method syntax (options.urlOf, AutoModel*.fromPretrained) that never use
      // `this`, and the worker patches GPU prototypes calling the originals with .call(this): every report was one of these.
      '@typescript-eslint/unbound-method': 'off',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', ignoreRestSiblings: true }],
    },
  },
  {
    // Tests read the golden fixtures' JSON (JSON.parse gives `any`) and check its shape by asserting on it: a wrong
    // shape fails the test itself, so typing every fixture file would add nothing but casts.
    files: ['**/*.test.ts', 'e2e/**/*.ts', 'packages/core/src/testing/**/*.ts'],
    rules: {
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
      '@typescript-eslint/no-explicit-any': 'off',
    },
  },
  {
    // The bench's checkpoint maker walks Transformers' config.json by key, as the Python code does; typing each
    // config field would copy Transformers' config classes for a benchmark helper.
    files: ['bench/checkpoint-parameters.ts', 'bench/make-checkpoints.ts'],
    rules: {
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
    },
  },
  ...layerBoundaries([
    // Each layer of @retina/core imports only the layers below it (tests may reach across: they are not the product).
    ['onnx', ['hub', 'weights', 'graph', 'session', 'models', 'pipelines', 'processors', 'image']],
    ['hub', ['weights', 'graph', 'session', 'models', 'pipelines', 'processors']],
    ['weights', ['graph', 'session', 'models', 'pipelines']],
    ['graph', ['hub', 'models', 'pipelines', 'processors']],
    ['session', ['models', 'pipelines', 'processors']],
    ['models', ['pipelines']],
  ]),
  {
    files: ['**/*.js', '**/*.mjs'],
    languageOptions: { globals: { ...globals.node, ...globals.browser } },
  },
);
