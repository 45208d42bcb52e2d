// End to end on onnxruntime-node from the checkpoints: the fixture images through DPTImageProcessor, the model
// built from weights and the depth post-processing, against the reference pipeline's maps; fp16 builds; DPTModel.
import { afterAll, describe, expect, it } from 'vitest';
import { postProcessDepthEstimation } from '../../processors/depth-estimation.js';
import type { Tensor } from '../../tensor.js';
import { readBin, readBytes, readJson, type BinDescriptor } from '../../testing/fixtures.js';
import { compareToGolden, fixtureRepo, goldenTensor, readGolden } from '../../testing/model-fixtures.js';
import { DPTImageProcessor } from './image-processing-dpt.js';
import { DPTForDepthEstimation, DPTModel } from './modeling-dpt.js';

const MODELS = ['dpt-hybrid-depth', 'dpt-beit-depth'];
/** fp16 weights and compute against the fp32 goldens, as for the other families (measured figures are printed). */
const FP16_TOLERANCE = { atol: 2e-2, rtol: 2e-2 };

interface DepthMapEntry {
  depth: BinDescriptor;
  depth_uint8: BinDescriptor;
  wrapped_pixels: number;
  'pixels_with_step_margin_below_1e-4': number;
}

const figures: Record<string, Record<string, string | number>> = {};
afterAll(() => {
  console.log('DPT end to end (images → processor → graph from model.safetensors → post-processing), onnxruntime-node:');
  console.table(figures);
});

describe('DPT depth estimation from images, end to end', () => {
  it.each(MODELS)('%s: depth maps within the tolerance, bytes as the reference but where margin or clamping says', async (model) => {
    const golden = readGolden(model) as ReturnType<typeof readGolden> & {
      post_process_depth_estimation: { target_sizes: [number, number][]; maps: DepthMapEntry[] }[];
    };
    const processor = new DPTImageProcessor(readJson('models', model, 'preprocessor_config.json'));
    const { pixelValues, originalSizes } = await processor.preprocess([
      readBytes('images', 'chelsea.png'),
      readBytes('images', 'coffee.png'),
    ]);
    await using depthModel = await DPTForDepthEstimation.fromPretrained(fixtureRepo(model), {
      device: 'cpu',
      numThreads: 1,
      source: 'weights',
    });
    const { predictedDepth } = await depthModel.forward({ pixelValues });
    const entry = golden.post_process_depth_estimation[0]!;
    expect(originalSizes).toEqual(entry.target_sizes);
    postProcessDepthEstimation(predictedDepth, originalSizes).forEach((result, b) => {
      const expected = entry.maps[b]!;
      const float = readBin(expected.depth, 'models', model, 'golden') as Float32Array;
      const bytes = readBin(expected.depth_uint8, 'models', model, 'golden') as Uint8Array;
      const { maxAbsDiff, violations } = compareToGolden(result.predictedDepth.data, float, golden.tolerance);
      expect(violations, `${model} map ${b}: max |diff| ${maxAbsDiff}`).toBe(0);
      let differing = 0;
      for (let i = 0; i < bytes.length; i++) if (result.depth.data[i] !== bytes[i]) differing++;
      // Clamping changes the wrapped pixels; a float map within 1e-4 can move at most the bytes within 1e-4 of a step.
      expect(differing).toBeGreaterThanOrEqual(expected.wrapped_pixels);
      expect(differing).toBeLessThanOrEqual(expected.wrapped_pixels + expected['pixels_with_step_margin_below_1e-4']);
      figures[`${model} ${b}`] = {
        'max |float diff|': maxAbsDiff.toExponential(2),
        'bytes differing': differing,
        'of which wrapped in the reference': expected.wrapped_pixels,
      };
    });
  });

  it.each(MODELS)('%s in fp16 stays within 2e-2 (atol and rtol) of the fp32 goldens', async (model) => {
    const golden = readGolden(model);
    await using depthModel = await DPTForDepthEstimation.fromPretrained(fixtureRepo(model), {
      device: 'cpu',
      numThreads: 1,
      source: 'weights',
      dtype: 'fp16',
    });
    let max = 0;
    for (const goldenCase of golden.cases) {
      const { predictedDepth } = await depthModel.forward({
        pixelValues: goldenTensor(model, goldenCase.inputs.pixel_values!) as Tensor<'float32'>,
      });
      const expected = readBin(goldenCase.outputs.predicted_depth!, 'models', model, 'golden');
      const { maxAbsDiff, violations } = compareToGolden(predictedDepth.data, expected, FP16_TOLERANCE);
      expect(violations, `${model} ${goldenCase.name}: max |diff| ${maxAbsDiff}`).toBe(0);
      max = Math.max(max, maxAbsDiff);
    }
    (figures[`${model} fp16`] ??= {})['max |predicted_depth diff|'] = max.toExponential(2);
  });
});

describe('DPTModel', () => {
  // No golden covers DPTModel's output (the depth model reads the encoder before its final layer norm): this only
  // checks that the hybrid encoder builds and runs with the reference's output shape, without a pooler here.
  it('runs the hybrid encoder from depth weights: last_hidden_state [batch, 1 + 6x6, 32], no pooler in them', async () => {
    await using encoder = await DPTModel.fromPretrained(fixtureRepo('dpt-hybrid-depth'), { device: 'cpu', source: 'weights' });
    const pixelValues = goldenTensor('dpt-hybrid-depth', readGolden('dpt-hybrid-depth').cases[0]!.inputs.pixel_values!);
    const output = await encoder.forward({ pixelValues: pixelValues as Tensor<'float32'> });
    expect(output.lastHiddenState.dims).toEqual([2, 37, 32]);
    expect(output.poolerOutput).toBeUndefined();
  });
});
