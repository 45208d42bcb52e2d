// The README's script-tag snippet on a site that has what it names: the worker's files in /retina/, a model in
// /models/, a photo. Read from the README, so the two cannot drift; served by the caller under the strict CSP.
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { repoRoot } from './paths.js';

const WORKER_FILES = [
  'retina.js',
  'worker.js',
  'jpeg-turbo.wasm',
  'ort-wasm-simd-threaded.asyncify.mjs',
  'ort-wasm-simd-threaded.asyncify.wasm',
];

/**
 * Before the snippet, for engines whose driver cannot read the console (WebKitWebDriver): a script file that
 * keeps what the page logs in `logged` and its errors and CSP violations in `problems`.
 */
const RECORDER = `globalThis.logged = [];
globalThis.problems = [];
const log = console.log.bind(console);
console.log = (...args) => {
  logged.push(args[0]);
  log(...args);
};
addEventListener('error', (event) => problems.push(String(event.message)));
addEventListener('unhandledrejection', (event) => problems.push(String(event.reason)));
document.addEventListener('securitypolicyviolation', (event) => problems.push(\`CSP: \${event.violatedDirective} \${event.blockedURI}\`));
`;

/** The first ```html and ```js blocks of the README's "From a script tag" paragraph. */
export function readmeSnippet(): { html: string; js: string } {
  const readme = readFileSync(join(repoRoot, 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('**From a script tag**'));
  const block = (lang: string) => new RegExp('```' + lang + '\\n([\\s\\S]*?)```').exec(section)?.[1];
  const html = block('html');
  const js = block('js');
  if (html === undefined || js === undefined) throw new Error('The README has no html and js blocks under "From a script tag".');
  return { html, js };
}

/** Writes the site, recorder first, to a new temporary folder (the caller removes it). */
export function readmeSite(): { root: string } {
  const { html, js } = readmeSnippet();
  const root = mkdtempSync(join(tmpdir(), 'retina-readme-'));
  const demo = join(repoRoot, 'apps', 'demo', 'public');
  for (const file of WORKER_FILES) cpSync(join(repoRoot, 'packages', 'worker', 'dist', file), join(root, 'retina', file));
  cpSync(join(demo, 'models', 'shapes-bit-classifier'), join(root, 'models', 'shapes-bit-classifier'), { recursive: true });
  cpSync(join(demo, 'samples', 'shape-star.png'), join(root, 'photo.png'));
  writeFileSync(join(root, 'record.js'), RECORDER);
  const recorder = '<script src="/record.js"></script>\n';
  writeFileSync(
    join(root, 'index.html'),
    `<!doctype html>\n<html lang="en">\n<head><meta charset="utf-8" /><title>README</title></head>\n<body>\n${recorder}${html}</body>\n</html>\n`,
  );
  writeFileSync(join(root, js.match(/^\/\/ (\S+)/)?.[1] ?? 'classify.js'), js);
  return { root };
}
