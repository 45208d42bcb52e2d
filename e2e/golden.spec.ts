// Every fixture model, loaded through the worker, reproduces every golden case: on WebAssembly within
// the fixtures' tolerance, on WebGPU within the tolerance measured for SwiftShader below.
import { fixtureModels, readGolden, type Golden } from './support/fixtures.js';
import type { RemoteModelTimings } from '@retina/worker';
import { expect, modelUrl, test } from './support/test.js';

/**
 * WebGPU on SwiftShader (onnxruntime's native WebGPU provider): the largest |actual - expected| over
 * all cases is 1.3e-5 (bit-backbone, on values of magnitude ~1; BEiT and ViT-Hybrid stay below 8e-6),
 * inside atol 1e-5 + rtol 1e-4 — ten times tighter than the fixtures' CPU tolerance.
 */
const WEBGPU_TOLERANCE = { atol: 1e-5, rtol: 1e-4 };

for (const model of fixtureModels) {
  test(`${model} matches its goldens through the worker`, async ({ retinaPage, device }) => {
    const golden = readGolden(model);
    const tolerance = device === 'webgpu' ? WEBGPU_TOLERANCE : golden.tolerance;
    const results = await retinaPage.evaluate(
      async ({ url, device, golden, tolerance }) => {
        const typed = { float32: Float32Array, int32: Int32Array, uint8: Uint8Array, bool: Uint8Array };
        const read = async ({ file, dtype }: Golden['cases'][number]['inputs'][string]) =>
          new typed[dtype](await (await fetch(`${url}/golden/${file}`)).arrayBuffer());
        const retina = Retina.createRetinaWorker({ device });
        try {
          const loaded = await retina.loadModel('AutoModel', url);
          const rows = [];
          const calls: { timings: RemoteModelTimings | undefined; pageMs: number }[] = [];
          for (const goldenCase of golden.cases) {
            const feeds = Object.fromEntries(
              await Promise.all(
                Object.entries(goldenCase.inputs).map(async ([name, desc]) => [name, new Retina.Tensor(desc.dtype, await read(desc), desc.shape)] as const),
              ),
            );
            let timings: RemoteModelTimings | undefined;
            const started = performance.now();
            const outputs = await loaded.run(feeds, { onTimings: (reported) => (timings = reported) });
            calls.push({ timings, pageMs: performance.now() - started });
            for (const [name, desc] of Object.entries(goldenCase.outputs)) {
              const expected = await read(desc);
              const actual = outputs[name]!;
              let maxAbsDiff = 0;
              let violations = 0;
              for (let i = 0; i < expected.length; i++) {
                const diff = Math.abs(Number(actual.data[i]) - expected[i]!);
                if (!(diff <= tolerance.atol + tolerance.rtol * Math.abs(expected[i]!))) violations++;
                maxAbsDiff = Math.max(maxAbsDiff, diff);
              }
              rows.push({ where: `${goldenCase.name} ${name}`, dims: [...actual.dims], shape: desc.shape, maxAbsDiff, violations });
            }
          }
          return { backend: loaded.backend, architecture: loaded.architecture, rows, calls };
        } finally {
          retina.terminate();
        }
      },
      { url: modelUrl(retinaPage, model), device, golden, tolerance },
    );
    const maxAbsDiff = Math.max(...results.rows.map((row) => row.maxAbsDiff));
    console.log(`[${device}] ${model}: max |actual - expected| ${maxAbsDiff.toExponential(2)} over ${results.rows.length} outputs`);
    expect(results.backend).toMatchObject({ runtime: 'onnxruntime-web', device });
    expect(results.architecture).toBe(golden.architecture);
    for (const row of results.rows) {
      expect(row.dims, row.where).toEqual(row.shape);
      expect(row.violations, `${row.where}: max |diff| ${row.maxAbsDiff}`).toBe(0);
    }
    // Each call reports the worker's run time and the round trip's share of what the page waited.
    for (const { timings, pageMs } of results.calls) {
      expect(timings!.inference).toBeGreaterThan(0);
      expect(timings!.transfer).toBeGreaterThanOrEqual(0);
      expect(timings!.total).toBeCloseTo(timings!.inference + timings!.transfer, 6);
      expect(timings!.total).toBeLessThanOrEqual(pageMs);
    }
  });
}
