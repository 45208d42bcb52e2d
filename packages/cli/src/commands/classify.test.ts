import { describe, expect, it } from 'vitest';
import { fixturePath, readBin, readJson } from '../../../core/src/testing/fixtures.js';
import { readGolden } from '../../../core/src/testing/model-fixtures.js';
import { ONE_THREAD, runCli } from '../testing/run-cli.js';

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
