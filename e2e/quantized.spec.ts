// Quantized precisions on WebGPU (SwiftShader) through the worker, built from the checkpoint in the browser:
// every golden case against the fp32 goldens. On WebGPU q8 is weight-only 8-bit MatMulNBits and q4 4-bit
// MatMulNBits, both on the GPU (webgpu-placement.spec.ts). The bounds are the measured largest
// |actual - expected| (rounded up in the third digit), as packages/core's quantized-from-weights.test.ts holds
// them on WebAssembly and onnxruntime-node (where q8 is DynamicQuantizeMatMul); q4 gives the same numbers here.
// fp16 needs the adapter's shader-f16 feature, which SwiftShader lacks: refused, and the next load works.
import { readGolden } from './support/fixtures.js';
import { runGoldenCases } from './support/golden-run.js';
import { expect, modelUrl, test } from './support/test.js';

/** SwiftShader is slow: BEiT's Linear layers in both precisions (vit-hybrid-cls q4, measured once: 6.000e-1, as on the CPU). */
const CASES = [
  { model: 'beit-seg', dtype: 'q8', bound: 1.59e-3 },
  { model: 'beit-seg', dtype: 'q4', bound: 2.07e-2 },
] as const;

for (const { model, dtype, bound } of CASES) {
  test(
    `${model} built as ${dtype} on WebGPU through the worker stays within its measured cost`,
    { tag: '@webgpu-only' },
    async ({ retinaPage, device }) => {
      const golden = readGolden(model);
      const run = await runGoldenCases(retinaPage, {
        model: modelUrl(retinaPage, model, '/checkpoints/safetensors'),
        fixtureUrl: modelUrl(retinaPage, model),
        device,
        golden,
        tolerance: { atol: bound, rtol: 0 },
        loadOptions: { dtype, source: 'weights' },
      });
      expect(run.backend).toMatchObject({ runtime: 'onnxruntime-web', device });
      console.log(
        `[${device}] ${model} ${dtype}: max |actual - expected| ${Math.max(...run.rows.map((row) => row.maxAbsDiff)).toExponential(3)}`,
      );
      for (const row of run.rows) {
        expect(row.dims, row.where).toEqual(row.shape);
        expect(row.maxAbsDiff, `${row.where} within ${bound}`).toBeLessThanOrEqual(bound);
      }
    },
  );
}

test(
  'fp16 on a WebGPU adapter without shader-f16 is refused, saying what to use; the next load works',
  { tag: '@webgpu-only' },
  async ({ retinaPage, device }) => {
    const result = await retinaPage.evaluate(
      async ({ url, device }) => {
        const retina = Retina.createRetinaWorker({ device });
        try {
          const refusal = await retina.pipeline('image-classification', url, { dtype: 'fp16', source: 'weights' }).then(
            () => undefined,
            (error: { code?: string; message?: string }) => ({ code: error.code, message: error.message }),
          );
          const next = await retina.pipeline('image-classification', url, { dtype: 'q4', source: 'weights' });
          await next.close();
          return { refusal, next: next.backend.device };
        } finally {
          retina.terminate();
        }
      },
      { url: modelUrl(retinaPage, 'bit-preact-cls', '/checkpoints/safetensors'), device },
    );
    expect(result.refusal).toEqual({
      code: 'INVALID_ARGUMENT',
      message: expect.stringMatching(/^dtype "fp16" needs a WebGPU adapter with the shader-f16 feature, and this one \(.+\) has none\./),
    });
    expect(result.refusal!.message).toContain('Use dtype "fp32" or "q4" on it, or device "wasm" for fp16.');
    expect(result.next).toBe('webgpu');
  },
);
