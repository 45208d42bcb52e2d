// Retina as a user meets it: the packed tarballs installed with npm into a new project outside the workspace, a Vite
// app bundling @retina/worker with no configuration, served under the strict CSP, and `npx retina` in that project.
import { execFile } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { repoRoot } from './support/paths.js';
import { serveFolder } from './support/strict-site.js';
import { expect, test } from './support/test.js';

const run = promisify(execFile);
// npm and npx as in a user's shell, without the npm_config_* settings this suite inherits from pnpm.
const userEnv = Object.fromEntries(Object.entries(process.env).filter(([name]) => !/^npm_/i.test(name)));
const demo = join(repoRoot, 'apps', 'demo', 'public');
const MODEL = 'shapes-bit-classifier';
const IMAGE = 'shape-star.png';
// The label the sample was drawn with (tools/shapes/make_samples.py), not one the code produced.
const samples = JSON.parse(readFileSync(join(demo, 'samples', 'index.json'), 'utf8')) as { items: { file: string; label: string }[] };
const expectedLabel = samples.items.find((item) => item.file === IMAGE)!.label;

interface Prediction {
  label: string;
  score: number;
}

test.describe.configure({ timeout: 300_000 });

let project: string;
let viteBuildOutput: string;
test.beforeAll(async () => {
  test.setTimeout(300_000);
  project = mkdtempSync(join(tmpdir(), 'retina-install-'));
  // The packages were built by the suite's global setup.
  await run(process.execPath, [join(repoRoot, 'scripts', 'pack.mjs'), '--no-build', '--out', join(project, 'packs')], { cwd: repoRoot });
  const tarballs = readdirSync(join(project, 'packs')).map((file) => `./packs/${file}`);
  writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'retina-user-app', private: true, type: 'module' }));
  const vite = (JSON.parse(readFileSync(join(repoRoot, 'node_modules', 'vite', 'package.json'), 'utf8')) as { version: string }).version;
  await run('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', ...tarballs, `vite@${vite}`], {
    cwd: project,
    env: { ...userEnv, ONNXRUNTIME_NODE_INSTALL: 'skip' },
  });
  cpSync(join(repoRoot, 'e2e', 'installed-app'), project, { recursive: true });
  cpSync(join(demo, 'models', MODEL), join(project, 'public', 'models', MODEL), { recursive: true });
  cpSync(join(demo, 'samples', IMAGE), join(project, 'public', IMAGE));
  const { stdout, stderr } = await run('npx', ['vite', 'build'], { cwd: project, env: userEnv });
  viteBuildOutput = stdout + stderr;
});

test.afterAll(() => {
  if (project) rmSync(project, { recursive: true, force: true });
});

async function npxRetina(...argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    return { code: 0, ...(await run('npx', ['retina', ...argv], { cwd: project, env: userEnv })) };
  } catch (error) {
    const { code, stdout, stderr } = error as { code: number; stdout: string; stderr: string };
    return { code, stdout, stderr };
  }
}

test('a Vite app built from the installed tarballs classifies under the strict CSP, as `npx retina classify` does', async ({ page }) => {
  const violations: string[] = [];
  page.on('console', (message) => {
    if (/Content Security Policy/i.test(message.text())) violations.push(message.text());
  });
  const site = await serveFolder(join(project, 'dist'));
  try {
    await page.goto(`${site.origin}/`);
    await expect(page.locator('#result')).not.toHaveText('loading…', { timeout: 60_000 });
    const result = JSON.parse((await page.locator('#result').textContent())!) as { error?: string; top: Prediction; backend: unknown };
    expect(result.error).toBeUndefined();
    expect(result.backend).toMatchObject({ runtime: 'onnxruntime-web', device: 'wasm' });
    expect(result.top.label).toBe(expectedLabel);
    expect(violations).toEqual([]);

    const cli = await npxRetina('classify', '--model', join('public', 'models', MODEL), join('public', IMAGE), '--top-k', '1', '--json');
    expect(cli.code, cli.stderr).toBe(0);
    const [{ predictions }] = JSON.parse(cli.stdout) as [{ predictions: Prediction[] }];
    expect(predictions[0]!.label).toBe(result.top.label);
    // onnxruntime-node on the CPU and onnxruntime-web on WebAssembly: the same graph, float32 rounding apart.
    expect(predictions[0]!.score).toBeCloseTo(result.top.score, 4);
  } finally {
    await site.close();
  }
});

test("the app's build has no warnings about Retina's files", () => {
  // Both once printed for every app: onnxruntime-web's self-URL and core's Node-only imports.
  expect(viteBuildOutput).not.toMatch(/ort\.webgpu\.min\.mjs|externalized for browser compatibility|node:fs/);
  expect(viteBuildOutput).toMatch(/built in/);
});

test('`npx retina --device wasm` names the package to install when onnxruntime-web is missing', async () => {
  const cli = await npxRetina('classify', '--device', 'wasm', '--model', join('public', 'models', MODEL), join('public', IMAGE));
  expect(cli).toMatchObject({
    code: 1,
    stdout: '',
    stderr: expect.stringMatching(/^retina: onnxruntime-web is not installed: run `npm install onnxruntime-web`/),
  });
});
