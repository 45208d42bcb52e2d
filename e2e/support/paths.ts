import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** The golden fixtures: ../shared/fixtures beside the checkout, or RETINA_FIXTURES. */
export const fixturesRoot = resolve(process.env.RETINA_FIXTURES ?? join(repoRoot, '..', 'shared', 'fixtures'));

/** Files the e2e tests make (e.g. fixtures with tags inserted), served under /generated/. */
export const generatedRoot = join(repoRoot, 'test-results', 'e2e-generated');
