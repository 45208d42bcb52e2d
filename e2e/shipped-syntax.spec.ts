// What the packages ship parses in every supported engine: no syntax past ES2022 (Chromium, Firefox ESR and
// WebKitGTK/Safari all parse ES2022; WebKit has no `await using` yet), checked on the built files with ESLint's
// parser, since a SyntaxError in one shipped module breaks the whole package there.
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { Linter } from 'eslint';
import { repoRoot } from './support/paths.js';
import { expect, test } from './support/test.js';

function scripts(folder: string): string[] {
  return readdirSync(folder, { recursive: true, encoding: 'utf8' })
    .filter((file) => /\.m?js$/.test(file))
    .map((file) => join(folder, file));
}

test('every shipped JavaScript file of core and worker parses as ES2022', () => {
  const linter = new Linter();
  const files = ['core', 'worker'].flatMap((name) => scripts(join(repoRoot, 'packages', name, 'dist')));
  expect(files.length).toBeGreaterThan(100);
  const failures = files.flatMap((file) => {
    // retina.js is the classic script of the script-tag build; the rest are modules.
    const sourceType = file.endsWith(`${join('dist', 'retina.js')}`) ? 'script' : 'module';
    const fatal = linter.verify(readFileSync(file, 'utf8'), { languageOptions: { ecmaVersion: 2022, sourceType } }).find((m) => m.fatal);
    return fatal ? [`${relative(repoRoot, file)}:${fatal.line}: ${fatal.message}`] : [];
  });
  expect(failures).toEqual([]);
});
