// Makes a fresh clone runnable with only Node 20 and npm: pnpm, the workspace's dependencies and, with
// --browser, the browsers of the end-to-end tests from Debian: Chromium, Firefox ESR, and WebKitGTK's
// WebKitWebDriver (MiniBrowser comes with libwebkit2gtk) with Xvfb to run it.
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

/** What the e2e suite runs, by where it is expected and the Debian package that installs it there. */
const BROWSERS = [
  { name: 'Chromium', path: CHROMIUM, variable: 'CHROMIUM_PATH', packages: ['chromium'] },
  { name: 'Firefox ESR', path: process.env.FIREFOX_PATH ?? '/usr/bin/firefox-esr', variable: 'FIREFOX_PATH', packages: ['firefox-esr'] },
  {
    name: 'WebKitWebDriver',
    path: process.env.WEBKIT_DRIVER_PATH ?? '/usr/bin/WebKitWebDriver',
    variable: 'WEBKIT_DRIVER_PATH',
    packages: ['webkit2gtk-driver'],
  },
  { name: 'xvfb-run (for WebKit)', path: '/usr/bin/xvfb-run', packages: ['xvfb', 'xauth'] },
];

if (process.argv.includes('--browser')) {
  const missing = BROWSERS.filter(({ path }) => !existsSync(path));
  if (missing.length > 0) {
    const packages = missing.flatMap((browser) => browser.packages).join(' ');
    if (process.getuid?.() !== 0) {
      for (const { name, path, variable } of missing)
        console.error(`${name} is missing at ${path}${variable ? ` (or set ${variable})` : ''}.`);
      console.error(`Install them with: sudo apt-get install -y ${packages}`);
      process.exit(1);
    }
    run(`apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq ${packages}`);
  }
}
