// Every fixture model, loaded through the worker, reproduces every golden case: on WebAssembly within
// the fixtures' tolerance, on WebGPU within the tolerance measured for SwiftShader (WEBGPU_TOLERANCE).
import { fixtureModels, readGolden } from './support/fixtures.js';
import { expectGoldenRun, runGoldenCases, WEBGPU_TOLERANCE } from './support/golden-run.js';
import { expect, modelUrl, test } from './support/test.js';

for (const model of fixtureModels) {
  test(`${model} matches its goldens through the worker`, async ({ retinaPage, device }) => {
    const golden = readGolden(model);
    const url = modelUrl(retinaPage, model);
    const tolerance = device === 'webgpu' ? WEBGPU_TOLERANCE : golden.tolerance;
    const run = await runGoldenCases(retinaPage, { model: url, fixtureUrl: url, device, golden, tolerance });
    const maxAbsDiff = expectGoldenRun(run, golden, device);
    console.log(`[${device}] ${model}: max |actual - expected| ${maxAbsDiff.toExponential(2)} over ${run.rows.length} outputs`);
    // Each call reports the worker's run time and the round trip's share of what the page waited.
    for (const { timings, pageMs } of run.calls) {
      expect(timings!.inference).toBeGreaterThan(0);
      expect(timings!.transfer).toBeGreaterThanOrEqual(0);
      expect(timings!.total).toBeCloseTo(timings!.inference + timings!.transfer, 6);
      expect(timings!.total).toBeLessThanOrEqual(pageMs);
    }
  });
}
