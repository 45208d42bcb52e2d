// The pages load the built bundles: build the worker package and what it depends on (core) first.
import { execSync } from 'node:child_process';
import { repoRoot } from './paths.js';

export default function buildPackages(): void {
  execSync('pnpm --filter "@retina/worker..." build', { cwd: repoRoot, stdio: 'inherit' });
}
