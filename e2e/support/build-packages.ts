// The pages load built bundles: the worker package (with the core it depends on) and the core page; the install
// test packs all three packages.
import { execSync } from 'node:child_process';
import { repoRoot } from './paths.js';

export default function buildPackages(): void {
  execSync('pnpm build', { cwd: repoRoot, stdio: 'inherit' });
  execSync('pnpm exec vite build --config e2e/core-page/vite.config.ts', { cwd: repoRoot, stdio: 'inherit' });
}
