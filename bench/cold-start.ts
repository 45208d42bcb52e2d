// pnpm bench:cold-start [-- --engines chromium,firefox,webkit --rounds 2 --baseline <worker dist folder>]
// The README's script-tag site in each engine: the worker's first model load (the demo's BiT classifier) on a
// first visit (a fresh profile) and on a second one (the same profile, page loaded again), with the stages
// Retina reports (`loadTimings`). With --baseline, the same site built from another worker dist (e.g. an
// earlier commit's) is measured in interleaved rounds. Sites are served with the strict CSP and isolation
// headers, the runtime files either uncacheable (`no-store`) or cacheable for an hour (`max-age`).
import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { launchEngine, type EngineName } from '../e2e/support/engines.js';
import { repoRoot } from '../e2e/support/paths.js';
import { serveFolder } from '../e2e/support/strict-site.js';

const WORKER_FILES = [
  'retina.js',
  'worker.js',
  'jpeg-turbo.wasm',
  'ort-wasm-simd-threaded.asyncify.mjs',
  'ort-wasm-simd-threaded.asyncify.wasm',
];

const { values } = parseArgs({
  options: {
    engines: { type: 'string', default: 'chromium,firefox,webkit' },
    rounds: { type: 'string', default: '2' },
    baseline: { type: 'string' },
  },
});

function site(workerDist: string): string {
  const root = mkdtempSync(join(tmpdir(), 'retina-cold-start-'));
  for (const file of WORKER_FILES) cpSync(join(workerDist, file), join(root, 'retina', file));
  const demo = join(repoRoot, 'apps', 'demo', 'public');
  cpSync(join(demo, 'models', 'shapes-bit-classifier'), join(root, 'models', 'shapes-bit-classifier'), { recursive: true });
  cpSync(join(demo, 'samples', 'shape-star.png'), join(root, 'photo.png'));
  writeFileSync(
    join(root, 'index.html'),
    '<!doctype html><html><head><script src="/retina/retina.js"></script></head><body></body></html>',
  );
  return root;
}

interface Visit {
  loadMs: number;
  timings: unknown;
}

const variants = [
  { name: 'current', dist: join(repoRoot, 'packages', 'worker', 'dist') },
  ...(values.baseline ? [{ name: 'baseline', dist: values.baseline }] : []),
].flatMap(({ name, dist }) =>
  (['no-store', 'max-age=3600'] as const).map((cacheControl) => ({ name: `${name} (${cacheControl})`, root: site(dist), cacheControl })),
);

const rows: { engine: EngineName; variant: string; round: number; first: Visit; second: Visit }[] = [];
for (const engine of values.engines.split(',') as EngineName[]) {
  const browser = await launchEngine(engine);
  try {
    for (let round = 0; round < Number(values.rounds); round++) {
      // Interleaved: each round starts with the next variant.
      for (let v = 0; v < variants.length; v++) {
        const variant = variants[(v + round) % variants.length]!;
        const server = await serveFolder(variant.root, { 'Cache-Control': variant.cacheControl });
        const page = await browser.newPage();
        try {
          const visits: Visit[] = [];
          for (let visit = 0; visit < 2; visit++) {
            await page.goto(`${server.origin}/`);
            visits.push(
              await page.evaluate(async () => {
                const started = performance.now();
                const retina = Retina.createRetinaWorker({ device: 'wasm' });
                try {
                  const classify = await retina.pipeline('image-classification', '/models/shapes-bit-classifier');
                  const loadMs = performance.now() - started;
                  await classify('/photo.png');
                  return { loadMs, timings: (classify as { loadTimings?: unknown }).loadTimings ?? null };
                } finally {
                  retina.terminate();
                }
              }, undefined),
            );
          }
          rows.push({ engine, variant: variant.name, round, first: visits[0]!, second: visits[1]! });
          const [first, second] = visits;
          console.log(
            `${engine} ${variant.name} round ${round}: first visit ${first!.loadMs.toFixed(0)} ms ${JSON.stringify(first!.timings)}; ` +
              `second ${second!.loadMs.toFixed(0)} ms ${JSON.stringify(second!.timings)}; load average ${loadavg()[0]!.toFixed(1)}`,
          );
        } finally {
          await page.close();
          await server.close();
        }
      }
    }
  } finally {
    await browser.close();
  }
}
for (const variant of variants) rmSync(variant.root, { recursive: true, force: true });
console.log(JSON.stringify(rows));
