// Every fixture model, loaded through its Auto class on both runtimes, against every golden case.
import { afterAll, describe, expect, it } from 'vitest';
import type { InferenceSession } from '../session/inference-session.js';
import { fixturePath } from '../testing/fixtures.js';
import { autoClassFor, expectGoldenCases } from '../testing/golden-cases.js';
import { fixtureModels, readGolden } from '../testing/model-fixtures.js';

const BACKENDS: { runtime: InferenceSession.Runtime; device: InferenceSession.Device }[] = [
  { runtime: 'onnxruntime-node', device: 'cpu' },
  { runtime: 'onnxruntime-web', device: 'wasm' },
];

const maxAbsDiffs: Record<string, Record<string, string>> = {};

afterAll(() => {
  console.log('Max |actual - expected| over all golden cases and outputs:');
  console.table(maxAbsDiffs);
});

describe.each(BACKENDS)('golden outputs on $runtime ($device)', ({ runtime, device }) => {
  it.each(fixtureModels)('%s matches every case', async (model) => {
    const golden = readGolden(model);
    const loaded = await autoClassFor(golden.architecture).fromPretrained(fixturePath('models', model), {
      device,
      numThreads: 1,
      source: 'onnx',
    });
    try {
      expect(loaded.architecture).toBe(golden.architecture);
      expect(loaded.session.backend).toMatchObject({ runtime, device });
      (maxAbsDiffs[model] ??= {})[runtime] = (await expectGoldenCases(loaded, model, golden)).toExponential(2);
    } finally {
      await loaded.dispose();
    }
  });
});
