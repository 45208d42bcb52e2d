// Makes a fresh clone runnable with only Node 20 and npm: pnpm, the workspace's dependencies
// and, with --browser, Debian's Chromium for the end-to-end tests.
import { execSync, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';

const PNPM = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')).packageManager.split('@')[1];
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

function run(command, env = {}) {
  console.log(`> ${command}`);
  execSync(command, { stdio: 'inherit', env: { ...process.env, ...env } });
}

function pnpmVersion() {
  const result = spawnSync('pnpm', ['--version'], { encoding: 'utf8' });
  return result.status === 0 ? result.stdout.trim() : undefined;
}

if (pnpmVersion() !== PNPM) run(`npm install --global pnpm@${PNPM}`);

const lock = 'pnpm-lock.yaml';
const installed = 'node_modules/.modules.yaml';
if (!existsSync(installed) || statSync(lock).mtimeMs > statSync(installed).mtimeMs) {
  // onnxruntime-node ships its CPU binary; its install script would only try to download more.
  run('pnpm install --frozen-lockfile', { ONNXRUNTIME_NODE_INSTALL: 'skip' });
}

if (process.argv.includes('--browser') && !existsSync(CHROMIUM)) {
  if (process.getuid?.() !== 0) {
    console.error(`Chromium is missing at ${CHROMIUM}. Install it (sudo apt-get install -y chromium) or set CHROMIUM_PATH.`);
    process.exit(1);
  }
  run('apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium');
}
