import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { decode } from 'fast-png';
import { describe, expect, it } from 'vitest';
import { fixturePath, readBin, type BinDescriptor } from '../../../core/src/testing/fixtures.js';
import { readGolden } from '../../../core/src/testing/model-fixtures.js';
import { ONE_THREAD, runCli, suiteTempDir } from '../testing/run-cli.js';

const dir = suiteTempDir();
const MODEL = 'dpt-hybrid-depth';

interface DepthMapEntry {
  depth: BinDescriptor;
  depth_uint8: BinDescriptor;
  max: number;
  wrapped_pixels: number;
  'pixels_with_step_margin_below_1e-4': number;
}

/** The reference pipeline's maps of chelsea (the first image of the fixture's post-processing case). */
function reference(): DepthMapEntry & { bytes: Uint8Array; float: Float32Array } {
  const golden = readGolden(MODEL) as ReturnType<typeof readGolden> & {
    post_process_depth_estimation: { images: string[]; maps: DepthMapEntry[] }[];
  };
  const { images, maps } = golden.post_process_depth_estimation[0]!;
  expect(images[0]).toBe('chelsea');
  const entry = maps[0]!;
  return {
    ...entry,
    bytes: readBin(entry.depth_uint8, 'models', MODEL, 'golden') as Uint8Array,
    float: readBin(entry.depth, 'models', MODEL, 'golden') as Float32Array,
  };
}

describe('retina depth', () => {
  const image = fixturePath('images', 'chelsea.png');

  it("writes the reference pipeline's 8-bit depth image at the image's size (clamped where it wraps), and the range as JSON", async () => {
    const out = join(dir, 'depth.png');

    const run = await runCli('depth', '--model', fixturePath('models', MODEL), image, '--out', out, '--json', ...ONE_THREAD);

    expect(run.code, run.stderr).toBe(0);
    const expected = reference();
    const [height, width] = expected.depth_uint8.shape as [number, number];
    const png = decode(readFileSync(out));
    expect(png).toMatchObject({ width, height, depth: 8, channels: 1 });
    let clamped = 0;
    let others = 0;
    png.data.forEach((byte, i) => {
      if (byte === expected.bytes[i]) return;
      if (byte === 0 && expected.bytes[i]! >= 128) clamped++;
      else others++;
    });
    const margin = expected['pixels_with_step_margin_below_1e-4'];
    expect(Math.abs(clamped - expected.wrapped_pixels)).toBeLessThanOrEqual(margin);
    expect(others).toBeLessThanOrEqual(margin);

    const summary = JSON.parse(run.stdout);
    expect(summary).toMatchObject({ image, depth: out, width, height });
    expect(summary.predictedDepth.max).toBeCloseTo(expected.max, 3);
    expect(summary.predictedDepth.min).toBeCloseTo(
      expected.float.reduce((a, b) => Math.min(a, b)),
      3,
    );
  });

  it('prints the size and the depth range', async () => {
    const out = join(dir, 'text.png');
    const run = await runCli('depth', '--model', fixturePath('models', MODEL), image, '--out', out, ...ONE_THREAD);

    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toMatch(
      new RegExp(`^${out}: 451x300, 8-bit depth \\(255 nearest\\); predicted depth from -?[\\d.e-]+ to 6\\.2\\d*\\n$`),
    );
  });

  it('refuses a model that is not a depth estimator', async () => {
    const run = await runCli('depth', '--model', fixturePath('models', 'beit-seg'), image, '--out', join(dir, 'x.png'), ...ONE_THREAD);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/AutoModelForDepthEstimation cannot build "beit"/);
  });
});
