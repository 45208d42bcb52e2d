// Runs every check and test — type check, lint, Vitest unit tests, then the Playwright end-to-end suite — and ends with one
// line that counts them all: "N passed, N failed".
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { resolve } from 'node:path';

const REPORTS = 'test-results/summary';
rmSync(REPORTS, { recursive: true, force: true });
mkdirSync(REPORTS, { recursive: true });

function run(command, args, env = {}) {
  console.log(`> ${command} ${args.join(' ')}`);
  return spawnSync(command, args, { stdio: 'inherit', env: { ...process.env, ...env } }).status;
}

function readReport(file) {
  return existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')) : undefined;
}

const totals = { passed: 0, failed: 0, skipped: 0 };
let broken = false;

// Vitest strips types, so type errors are caught here (the packages are built first: their types come from dist).
if (run('pnpm', ['typecheck']) !== 0) {
  console.log('The type check failed; see the errors above.');
  broken = true;
}
// ESLint and Prettier on the packages just built (`pnpm lint` builds them itself); a finding counts as one failure.
if (run('pnpm', ['lint:sources']) !== 0) {
  console.log('Lint failed; see the findings above (`pnpm format` fixes formatting).');
  totals.failed += 1;
}

const vitestReport = `${REPORTS}/vitest.json`;
const vitestStatus = run('pnpm', ['exec', 'vitest', 'run', '--reporter=default', '--reporter=json', `--outputFile.json=${vitestReport}`]);
const vitest = readReport(vitestReport);
if (vitest) {
  totals.passed += vitest.numPassedTests;
  totals.failed += vitest.numFailedTests;
  totals.skipped += vitest.numPendingTests + vitest.numTodoTests;
}
// A crash before any result (or a failing suite with no test inside) still fails the run.
if (!vitest || (vitestStatus !== 0 && vitest.numFailedTests === 0)) broken = true;

if (existsSync('e2e/playwright.config.ts')) {
  // Absolute: Playwright resolves a relative report path against its config's folder.
  const playwrightReport = resolve(REPORTS, 'playwright.json');
  const status = run('pnpm', ['exec', 'playwright', 'test', '--config', 'e2e/playwright.config.ts', '--reporter=list,json'], {
    PLAYWRIGHT_JSON_OUTPUT_NAME: playwrightReport,
  });
  const stats = readReport(playwrightReport)?.stats;
  if (stats) {
    totals.passed += stats.expected + stats.flaky;
    totals.failed += stats.unexpected;
    totals.skipped += stats.skipped;
  }
  if (!stats || (status !== 0 && stats.unexpected === 0)) broken = true;
}

if (broken) {
  console.log('A check or test runner failed without a failing test to count; see the output above.');
  totals.failed += totals.failed === 0 ? 1 : 0;
}
// A skipped test proves nothing: say so, but the last line stays the plain count CI reads.
if (totals.skipped) console.log(`${totals.skipped} skipped (neither passed nor failed)`);
console.log(`${totals.passed} passed, ${totals.failed} failed`);
process.exit(totals.failed > 0 ? 1 : 0);
