import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** The golden fixtures: ../shared/fixtures beside the checkout, or RETINA_FIXTURES. */
export const fixturesRoot = resolve(process.env.RETINA_FIXTURES ?? join(repoRoot, '..', 'shared', 'fixtures'));
