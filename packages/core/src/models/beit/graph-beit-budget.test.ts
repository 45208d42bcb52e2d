// What a BEiT config.json can make a graph build allocate: the position index and relative position
// biases grow with image_size to the fourth power, so a small checkpoint with a large image_size is
// refused by name before anything is allocated, within the build budget the checkpoint allows.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { JsonObject } from '../../config/config-reader.js';
import { openModelRepo } from '../../hub/open-model-repo.js';
import { fixturePath, readBytes, readJson } from '../../testing/fixtures.js';
import { readCheckpoint } from '../../weights/index.js';
import { BeitConfig } from './configuration-beit.js';
import { buildGraphFor } from '../../testing/build-graph.js';
import { measureInChild } from '../../testing/measure-in-child.js';
import { packSafetensors, rawSafetensorsHeader } from '../../testing/safetensors-file.js';

const dir = mkdtempSync(join(tmpdir(), 'retina-beit-budget-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/**
 * The beit-cls fixture (hidden 32, 4 heads, 2 layers, patches of 4) for another image_size: its
 * relative position bias tables resized to the rows that size needs, every other weight as it is.
 */
function beitForImageSize(imageSize: number, copy = 0): string {
  const folder = join(dir, `beit-${imageSize}-${copy}`);
  mkdirSync(folder);
  const config = readJson<Record<string, unknown>>('models', 'beit-cls', 'config.json');
  writeFileSync(join(folder, 'config.json'), JSON.stringify({ ...config, image_size: imageSize }));
  const side = imageSize / (config.patch_size as number);
  const distances = (2 * side - 1) ** 2 + 3;
  const bytes = readBytes('models', 'beit-cls', 'model.safetensors');
  const { header, dataStart } = rawSafetensorsHeader(bytes);
  const tensors = Object.entries(header).map(
    ([
      name,
      {
        dtype,
        shape,
        data_offsets: [begin, end],
      },
    ]) =>
      name.endsWith('relative_position_bias_table')
        ? { name, dtype, shape: [distances, shape[1]!], bytes: new Uint8Array(distances * shape[1]! * 4) }
        : { name, dtype, shape, bytes: bytes.subarray(dataStart + begin, dataStart + end) },
  );
  writeFileSync(join(folder, 'model.safetensors'), packSafetensors(tensors));
  return folder;
}

describe('BEiT graph builds from a small checkpoint', () => {
  it('refuses image_size 384 for a 1.2 MB checkpoint by name, in less time and memory than building the fixture at its size (it took 16 s and 1.3 GiB)', async () => {
    // Each measured three times, interleaved: a child's sub-second time swings several-fold on a loaded machine
    // (87-494 ms for the refusal, 204-805 ms for the fixture seen here), its fastest run much less.
    type Measured = Awaited<ReturnType<typeof measureInChild>>;
    const runs: { baseline: Measured; attack: Measured }[] = [];
    for (let run = 0; run < 3; run++) {
      runs.push({
        baseline: await measureInChild('buildModel', [fixturePath('models', 'beit-cls')]),
        attack: await measureInChild('buildModel', [beitForImageSize(384, run)], { hangAfterMs: 300_000 }),
      });
    }
    const baseline = runs[0]!.baseline;
    const attack = runs[0]!.attack;

    expect(baseline.value).toBe('BeitForImageClassification');
    for (const { attack: each } of runs) expect(each.error).toMatchObject({ code: 'INVALID_CONFIG' });
    expect(attack.error?.message).toMatch(
      /^For config\.json's image_size 384 and patch_size 4, the graph needs a relative position index of 84,953,089 elements \(\[9,217, 9,217\], 339,812,356 bytes\); a graph built from this checkpoint may compute [\d,]+ bytes \(4 × its parameters as float32, plus 64 MiB\)/,
    );
    const fastest = (key: 'baseline' | 'attack') => Math.min(...runs.map((run) => run[key].ms));
    console.log(
      `image_size 384: refused in ${fastest('attack').toFixed(0)} ms (fastest of 3), peak RSS +${(attack.growthBytes / 2 ** 20).toFixed(0)} MiB; ` +
        `fixture built in ${fastest('baseline').toFixed(0)} ms, +${(baseline.growthBytes / 2 ** 20).toFixed(0)} MiB`,
    );
    expect(fastest('attack')).toBeLessThan(2 * fastest('baseline'));
    // What a build may allocate beyond 4 times its checkpoint: 64 MiB.
    expect(attack.growthBytes).toBeLessThan(64 * 2 ** 20);
  });
});

/** Builds the graph (no session) of a checkpoint folder, with config.json's values changed as given. */
async function build(folder: string, changes: JsonObject = {}, maxBuildBytes?: number) {
  const repo = openModelRepo(folder);
  const config = new BeitConfig({ ...(await repo.json<JsonObject>('config.json')), ...changes });
  return buildGraphFor(config, await readCheckpoint(repo), { dtype: 'fp32', maxBuildBytes });
}

describe('BEiT tensors computed from config numbers', () => {
  it('refuses image_size 1000000 by name where nothing in the checkpoint bounds it (it was a RangeError)', async () => {
    const changes = { image_size: 1_000_000, use_relative_position_bias: false };
    await expect(build(fixturePath('models', 'beit-cls'), changes)).rejects.toMatchObject({
      code: 'INVALID_CONFIG',
      message: expect.stringMatching(
        /^For config\.json's image_size 1000000 and patch_size 4, the graph needs a token table of 2,000,000,000,032 elements \(\[1, 62,500,000,001, 32\]/,
      ),
    });
  });

  it('refuses a pool scale whose pooling matrix would pass the budget', async () => {
    await expect(build(fixturePath('models', 'beit-seg'), { pool_scales: [1, 2, 3, 100_000] })).rejects.toMatchObject({
      code: 'INVALID_CONFIG',
      message: expect.stringMatching(
        /^For config\.json's pool_scales 100000, image_size \d+ and patch_size \d+, the graph needs a pyramid pooling matrix/,
      ),
    });
  });

  it('builds past the default budget where maxBuildBytes allows it, and refuses below what the fixture needs', async () => {
    // Its relative position index alone (5,185² int32, 108 MB) passes the default; the biases are gathered at run time.
    const folder = beitForImageSize(288);
    await expect(build(folder)).rejects.toThrow(/relative position index of 26,884,225 elements/);
    expect((await build(folder, {}, 2 ** 30)).graph.length).toBeGreaterThan(0);
    await expect(build(fixturePath('models', 'beit-cls'), {}, 1000)).rejects.toThrow(/maxBuildBytes allows 1,000 bytes/);
    await expect(build(fixturePath('models', 'beit-cls'), {}, 0)).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
  });
});
