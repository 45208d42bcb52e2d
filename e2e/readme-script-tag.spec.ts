// The README's script-tag snippet, read from the README (so the two cannot drift), run as printed on a site that
// has what it names: the worker's files in /retina/, a model in /models/, a photo. Served under the strict CSP.
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { repoRoot } from './support/paths.js';
import { serveFolder } from './support/strict-site.js';
import { expect, test } from './support/test.js';

const WORKER_FILES = [
  'retina.js',
  'worker.js',
  'jpeg-turbo.wasm',
  'ort-wasm-simd-threaded.asyncify.mjs',
  'ort-wasm-simd-threaded.asyncify.wasm',
];

/** The first ```html and ```js blocks of the README's "From a script tag" paragraph. */
function readmeSnippet(): { html: string; js: string } {
  const readme = readFileSync(join(repoRoot, 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('**From a script tag**'));
  const block = (lang: string) => new RegExp('```' + lang + '\\n([\\s\\S]*?)```').exec(section)?.[1];
  const html = block('html');
  const js = block('js');
  if (html === undefined || js === undefined) throw new Error('The README has no html and js blocks under "From a script tag".');
  return { html, js };
}

test("the README's script-tag snippet classifies the photo under the strict CSP", async ({ page }) => {
  const { html, js } = readmeSnippet();
  const site = mkdtempSync(join(tmpdir(), 'retina-readme-'));
  const demo = join(repoRoot, 'apps', 'demo', 'public');
  for (const file of WORKER_FILES) cpSync(join(repoRoot, 'packages', 'worker', 'dist', file), join(site, 'retina', file));
  cpSync(join(demo, 'models', 'shapes-bit-classifier'), join(site, 'models', 'shapes-bit-classifier'), { recursive: true });
  cpSync(join(demo, 'samples', 'shape-star.png'), join(site, 'photo.png'));
  writeFileSync(
    join(site, 'index.html'),
    `<!doctype html>\n<html lang="en">\n<head><meta charset="utf-8" /><title>README</title></head>\n<body>\n${html}</body>\n</html>\n`,
  );
  writeFileSync(join(site, js.match(/^\/\/ (\S+)/)?.[1] ?? 'classify.js'), js);
  const server = await serveFolder(site);
  try {
    const problems: string[] = [];
    page.on('pageerror', (error) => problems.push(error.message));
    page.on('console', (message) => {
      // 404s are expected: loading a model probes for optional files.
      if (/Content Security Policy/i.test(message.text())) problems.push(message.text());
    });
    const logged = page.waitForEvent('console', { predicate: (message) => message.type() === 'log', timeout: 60_000 });
    await page.goto(`${server.origin}/`);
    const labels = (await (await logged).args()[0]!.jsonValue()) as { label: string; score: number }[];
    expect(problems).toEqual([]);
    expect(labels).toHaveLength(3);
    // The shape the sample was drawn with (apps/demo/public/samples/index.json).
    expect(labels[0]!.label).toBe('star');
  } finally {
    await server.close();
    rmSync(site, { recursive: true, force: true });
  }
});
