import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fixturePath, readBin } from '../../../core/src/testing/fixtures.js';
import { compareToGolden, readGolden } from '../../../core/src/testing/model-fixtures.js';
import { ONE_THREAD, runCli, suiteTempDir } from '../testing/run-cli.js';

const dir = suiteTempDir();

// BitBackbone (feature_maps.<i>, also at a non-native size), BEiT MIM (a bool input) and BeitModel (two outputs).
const CASES = [
  ['bit-backbone', 'native'],
  ['bit-backbone', 'size_40x56'],
  ['beit-mim', 'native'],
  ['beit-feature', 'pipeline'],
] as const;

describe('retina forward', () => {
  it.each(CASES)('reproduces the golden outputs of %s (%s)', async (model, caseName) => {
    const golden = readGolden(model);
    const goldenCase = golden.cases.find((c) => c.name === caseName)!;
    const goldenDir = fixturePath('models', model, 'golden');
    const outDir = join(dir, `${model}-${caseName}`);
    const inputs = Object.entries(goldenCase.inputs).flatMap(([name, desc]) => [
      '--input',
      `${name}=${join(goldenDir, desc.file)}:${desc.shape.join('x')}:${desc.dtype}`,
    ]);

    const run = await runCli('forward', '--model', fixturePath('models', model), ...inputs, '--out-dir', outDir, ...ONE_THREAD);

    expect(run.code, run.stderr).toBe(0);
    const summary = JSON.parse(readFileSync(join(outDir, 'outputs.json'), 'utf8'));
    expect(JSON.parse(run.stdout)).toEqual(summary);
    expect(summary.architecture).toBe(golden.architecture);
    expect(Object.keys(summary.outputs).sort()).toEqual(Object.keys(goldenCase.outputs).sort());
    for (const [name, desc] of Object.entries(goldenCase.outputs)) {
      expect(summary.outputs[name], name).toEqual({ file: `${name}.bin`, shape: desc.shape, dtype: 'float32' });
      const actual = new Float32Array(new Uint8Array(readFileSync(join(outDir, `${name}.bin`))).buffer);
      const { violations, maxAbsDiff } = compareToGolden(actual, readBin(desc, 'models', model, 'golden'), golden.tolerance);
      expect(violations, `${name}: max |diff| ${maxAbsDiff}`).toBe(0);
    }
  });
});
