// Writes the installable tarballs of @retina/core, @retina/worker and @retina/cli (pnpm pack resolves `workspace:*`
// to the version), after building the packages: `pnpm pack:all [-- --out <folder>]` (default: packs/).
// Install them with npm or pnpm in any project, e.g. `npm install ./packs/retina-core-0.1.0.tgz ./packs/retina-worker-0.1.0.tgz`.
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { gunzipSync } from 'node:zlib';

const PACKAGES = ['core', 'worker', 'cli'];
const outIndex = process.argv.indexOf('--out');
const out = resolve(outIndex > 0 ? process.argv[outIndex + 1] : 'packs');
mkdirSync(out, { recursive: true });

if (!process.argv.includes('--no-build')) execFileSync('pnpm', ['build'], { stdio: 'inherit' });

/** Bytes of the files inside a .tgz: the sizes in its tar headers. */
function unpackedBytes(tarball) {
  const tar = gunzipSync(readFileSync(tarball));
  let total = 0;
  for (let at = 0; at + 512 <= tar.length && tar[at] !== 0;) {
    const size = parseInt(
      tar
        .subarray(at + 124, at + 136)
        .toString('ascii')
        .trim() || '0',
      8,
    );
    total += size;
    at += 512 + Math.ceil(size / 512) * 512;
  }
  return total;
}

const mb = (bytes) => `${(bytes / 1e6).toFixed(2)} MB`;
for (const name of PACKAGES) {
  const json = execFileSync('pnpm', ['pack', '--json', '--pack-destination', out], { cwd: join('packages', name), encoding: 'utf8' });
  const { filename } = JSON.parse(json);
  console.log(`${filename}: ${mb(statSync(filename).size)} packed, ${mb(unpackedBytes(filename))} unpacked`);
}
