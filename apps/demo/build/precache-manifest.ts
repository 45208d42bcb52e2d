// After the build is written, lists every file of the app (hashed bundles, the worker, onnxruntime-web's
// WebAssembly, the models and sample images) into the service worker, so the app works offline once
// loaded. The version is a hash of all contents, so any change makes browsers install the new build.
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative, resolve, sep } from 'node:path';
import type { Plugin, ResolvedConfig } from 'vite';

// The service worker's source holds this string literal; the minifier may pick any quote style.
const MANIFEST_PLACEHOLDER = /(["'`])__RETINA_PRECACHE_MANIFEST__\1/;

function filesUnder(folder: string): string[] {
  return readdirSync(folder, { withFileTypes: true }).flatMap((entry) => {
    const path = join(folder, entry.name);
    return entry.isDirectory() ? filesUnder(path) : [path];
  });
}

export function precacheManifest(serviceWorkerFile: string): Plugin {
  let config: ResolvedConfig;
  return {
    name: 'retina-demo-precache-manifest',
    apply: 'build',
    configResolved(resolved) {
      config = resolved;
    },
    closeBundle() {
      const outDir = resolve(config.root, config.build.outDir);
      const swPath = join(outDir, serviceWorkerFile);
      const hash = createHash('sha256');
      const files = filesUnder(outDir)
        .filter((path) => path !== swPath)
        .map((path) => {
          const url = relative(outDir, path).split(sep).join('/');
          hash.update(url).update(readFileSync(path));
          return url;
        })
        .sort();
      const manifest = JSON.stringify({ version: hash.digest('hex').slice(0, 16), files: ['./', ...files] });
      const sw = readFileSync(swPath, 'utf8');
      if (!MANIFEST_PLACEHOLDER.test(sw)) this.error(`${serviceWorkerFile} has no precache placeholder to fill in.`);
      // A string literal of the JSON: the service worker parses it, so the minifier cannot fold it away.
      writeFileSync(
        swPath,
        sw.replace(MANIFEST_PLACEHOLDER, () => JSON.stringify(manifest)),
      );
    },
  };
}
