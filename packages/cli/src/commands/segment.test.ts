import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { decode } from 'fast-png';
import { describe, expect, it } from 'vitest';
import { postProcessSemanticSegmentation, Tensor } from '@retina/core';
import { countMismatches, fixturePath, imageIndex, readJson } from '../../../core/src/testing/fixtures.js';
import { goldenTensor, readGolden } from '../../../core/src/testing/model-fixtures.js';
import { classColour } from '../label-png.js';
import { ONE_THREAD, runCli, suiteTempDir } from '../testing/run-cli.js';

const dir = suiteTempDir();
const MODEL = 'beit-seg';
const { width, height } = imageIndex().find((entry) => entry.id === 'chelsea')!;

/** chelsea's label map from the golden `pipeline` logits (chelsea is the first of its two images). */
function expectedLabels(): Int32Array {
  const { logits } = readGolden(MODEL).cases.find((c) => c.name === 'pipeline')!.outputs;
  const both = goldenTensor(MODEL, logits!);
  const [, classes, h, w] = both.dims as [number, number, number, number];
  const first = new Tensor('float32', (both.data as Float32Array).subarray(0, classes * h * w), [1, classes, h, w]);
  return postProcessSemanticSegmentation(first, [[height, width]])[0]!.data;
}

describe('retina segment', () => {
  const { id2label } = readJson<{ id2label: Record<string, string> }>('models', MODEL, 'config.json');
  const image = fixturePath('images', 'chelsea.png');

  it("writes the label map at the image's size as an 8-bit PNG of class ids, and their shares as JSON", async () => {
    const out = join(dir, 'labels.png');

    const run = await runCli('segment', '--model', fixturePath('models', MODEL), image, '--out', out, '--json', ...ONE_THREAD);

    expect(run.code, run.stderr).toBe(0);
    const png = decode(readFileSync(out));
    expect(png).toMatchObject({ width, height, depth: 8, channels: 1 });
    const counts = new Map<number, number>();
    for (const id of png.data) counts.set(id, (counts.get(id) ?? 0) + 1);
    expect(countMismatches(png.data, expectedLabels())).toBe(0);

    const summary = JSON.parse(run.stdout);
    expect(summary).toMatchObject({ image, labels: out, width, height, depth: 8 });
    expect(summary.classes).toEqual(
      [...counts].sort(([a], [b]) => a - b).map(([id, pixels]) => ({ id, label: id2label[id], pixels, share: pixels / (width * height) })),
    );
  });

  it('prints the classes and their shares as a table', async () => {
    const run = await runCli('segment', '--model', fixturePath('models', MODEL), image, '--out', join(dir, 'table.png'), ...ONE_THREAD);

    expect(run.code, run.stderr).toBe(0);
    const [header, columns, ...rows] = run.stdout.trimEnd().split('\n');
    expect(header).toBe(`${join(dir, 'table.png')}: ${width}x${height}, 8-bit class ids`);
    expect(columns!.trim().split(/\s+/)).toEqual(['id', 'label', 'share']);
    const shares = rows.map((row) => Number(/([\d.]+)%$/.exec(row)![1]));
    expect(shares.reduce((a, b) => a + b, 0)).toBeCloseTo(100, 1);
  });

  it('--palette writes every pixel in the colour of its golden class', async () => {
    const out = join(dir, 'colours.png');
    const run = await runCli('segment', '--model', fixturePath('models', MODEL), image, '--out', out, '--palette', ...ONE_THREAD);

    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout.split('\n')[0]).toBe(`${out}: ${width}x${height}, class colours`);
    const png = decode(readFileSync(out));
    expect(png).toMatchObject({ width, height, depth: 8, channels: 3 });
    const expected = new Uint8Array(width * height * 3);
    expectedLabels().forEach((id, pixel) => expected.set(classColour(id), pixel * 3));
    expect(countMismatches(png.data, expected)).toBe(0);
  });
});
