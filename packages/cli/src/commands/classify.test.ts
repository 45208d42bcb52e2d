import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fixturePath, readBin, readJson } from '../../../core/src/testing/fixtures.js';
import { readGolden } from '../../../core/src/testing/model-fixtures.js';
import { ONE_THREAD, runCli, suiteTempDir } from '../testing/run-cli.js';

const MODEL = 'beit-cls';

/** chelsea's expected labels and probabilities: softmax of the golden `pipeline` logits (chelsea is its first image). */
function expectedPredictions() {
  const golden = readGolden(MODEL);
  const { logits } = golden.cases.find((c) => c.name === 'pipeline')!.outputs;
  const numLabels = logits!.shape[1]!;
  const row = Array.from(readBin(logits!, 'models', MODEL, 'golden').subarray(0, numLabels));
  const { id2label } = readJson<{ id2label: Record<string, string> }>('models', MODEL, 'config.json');
  const exps = row.map((x) => Math.exp(x - Math.max(...row)));
  const sum = exps.reduce((a, b) => a + b, 0);
  const predictions = exps.map((e, id) => ({ label: id2label[id]!, score: e / sum })).sort((a, b) => b.score - a.score);
  // A logit off by at most t moves each probability by at most 2t.
  const logitTolerance = golden.tolerance.atol + golden.tolerance.rtol * Math.max(...row.map(Math.abs));
  return { predictions, scoreTolerance: 2 * logitTolerance };
}

describe('retina classify', () => {
  const image = fixturePath('images', 'chelsea.png');
  const model = fixturePath('models', MODEL);

  it('prints the top-k labels and probabilities of the reference as JSON', async () => {
    const { predictions, scoreTolerance } = expectedPredictions();
    const topK = predictions.length - 1;

    const run = await runCli('classify', '--model', model, image, '--top-k', String(topK), '--json', ...ONE_THREAD);

    expect(run.code, run.stderr).toBe(0);
    const [result, ...others] = JSON.parse(run.stdout);
    expect(others).toEqual([]);
    expect(result.image).toBe(image);
    expect(result.predictions.map((p: { label: string }) => p.label)).toEqual(predictions.slice(0, topK).map((p) => p.label));
    result.predictions.forEach((p: { score: number }, i: number) => {
      expect(Math.abs(p.score - predictions[i]!.score)).toBeLessThanOrEqual(scoreTolerance);
    });
  });

  it('prints a table per image, best label first', async () => {
    const { predictions } = expectedPredictions();

    const run = await runCli('classify', '--model', model, image, ...ONE_THREAD);

    expect(run.code, run.stderr).toBe(0);
    const [header, columns, ...rows] = run.stdout.trimEnd().split('\n');
    expect(header).toBe(image);
    expect(columns!.trim().split(/\s+/)).toEqual(['score', 'label']);
    expect(rows.map((row) => row.trim().replace(/^\S+\s+/, ''))).toEqual(predictions.map((p) => p.label));
    expect(rows[0]).toContain(`${(predictions[0]!.score * 100).toFixed(2)}%`);
  });
});

describe('retina classify with several images, one of them bad', () => {
  const model = fixturePath('models', MODEL);
  const good = fixturePath('images', 'chelsea.png');
  const other = fixturePath('images', 'coffee.png');
  const dir = suiteTempDir();
  const notAnImage = join(dir, 'notes.png');
  writeFileSync(notAnImage, 'these are notes, not pixels');

  /** Each good image's top labels, from a run of its own. */
  async function alone(image: string) {
    const run = await runCli('classify', '--model', model, image, '--top-k', '3', '--json', ...ONE_THREAD);
    expect(run.code, run.stderr).toBe(0);
    return JSON.parse(run.stdout)[0].predictions;
  }

  it('reports every image in its place as JSON, names the bad one, and exits 1', async () => {
    const run = await runCli('classify', '--model', model, good, notAnImage, other, '--top-k', '3', '--json', ...ONE_THREAD);

    expect(run.code).toBe(1);
    const [first, failed, last, ...more] = JSON.parse(run.stdout);
    expect(more).toEqual([]);
    expect(first).toEqual({ image: good, predictions: await alone(good) });
    expect(last).toEqual({ image: other, predictions: await alone(other) });
    expect(failed).toEqual({
      image: notAnImage,
      error: { code: 'UNSUPPORTED_IMAGE_FORMAT', message: expect.stringMatching(/^The image format was not recognised/) },
    });
    expect(run.stderr).toBe(`retina: 1 of 3 images failed: ${notAnImage}\n`);
  });

  it('prints a table per good image and the error in place of the bad one', async () => {
    const missing = join(dir, 'missing.png');
    const run = await runCli('classify', '--model', model, missing, good, '--top-k', '3', ...ONE_THREAD);

    expect(run.code).toBe(1);
    const [failure, result] = run.stdout.split('\n\n');
    expect(failure).toMatch(new RegExp(`^${missing}\\n  error: There is no file at ${missing}`));
    const [header, columns, ...rows] = result!.trimEnd().split('\n');
    expect([header, columns!.trim().split(/\s+/)]).toEqual([good, ['score', 'label']]);
    expect(rows.map((row) => row.trim().replace(/^\S+\s+/, ''))).toEqual((await alone(good)).map((p: { label: string }) => p.label));
    expect(run.stderr).toBe(`retina: 1 of 2 images failed: ${missing}\n`);
  });
});
