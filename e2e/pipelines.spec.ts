// Classification, segmentation and feature-extraction pipelines in the worker give what the core
// gives in Node (onnxruntime-node) on the same fixture images; depth estimation gives the reference pipeline's maps.
import { pipeline, type ImageFeatureExtractionResult, type ImageSegmentationResult } from '@retina/core';
import { readFileSync } from 'node:fs';
import { DEPTH_MODELS, depthPostProcessing, expectDepthGoldens } from './support/depth-goldens.js';
import { fixtureFile, readGolden } from './support/fixtures.js';
import { WEBGPU_TOLERANCE } from './support/golden-run.js';
import { expect, modelUrl, test } from './support/test.js';

const IMAGES = ['chelsea', 'coffee'];
const CLASSIFIERS = ['bit-bottleneck-same-cls', 'bit-preact-cls', 'beit-cls', 'beit-cls-abs', 'vit-hybrid-cls'];
const FEATURE_MODELS = ['bit-feature', 'beit-feature', 'vit-hybrid-feature'];

const imageBytes = (id: string) => readFileSync(fixtureFile('images', `${id}.png`));

async function inNode<T>(task: 'image-classification' | 'image-segmentation' | 'image-feature-extraction', model: string): Promise<T[]> {
  const pipe = await pipeline(task, fixtureFile('models', model), { device: 'cpu' });
  // One call shape for the three tasks: a list of encoded images in, one result per image out.
  const run = pipe as unknown as (images: Uint8Array[]) => Promise<T[]>;
  try {
    return await run(IMAGES.map(imageBytes));
  } finally {
    await pipe.close();
  }
}

/** The pipeline's results in the worker, and where its post-processing ran. */
function inWorker<T>(
  page: import('@playwright/test').Page,
  task: string,
  url: string,
  device: string,
): Promise<{ results: T[]; postprocessDevice: string }> {
  return page.evaluate(
    async ({ task, url, device, images }) => {
      const retina = Retina.createRetinaWorker({ device: device as 'webgpu' | 'wasm' });
      try {
        const pipe = await retina.pipeline(task as 'image-classification', url);
        let postprocessDevice = 'not reported';
        const results = await pipe(
          images.map((id) => `/fixtures/images/${id}.png`),
          { onTimings: (timings) => (postprocessDevice = timings.postprocessDevice) },
        );
        // Typed arrays and tensors come back as plain arrays for comparison in Node.
        return {
          results: JSON.parse(
            JSON.stringify(results, (_, value) => (ArrayBuffer.isView(value) ? Array.from(value as Float32Array) : value)),
          ),
          postprocessDevice,
        };
      } finally {
        retina.terminate();
      }
    },
    { task, url, device, images: IMAGES },
  );
}

for (const model of CLASSIFIERS) {
  test(`image-classification with ${model} matches the core in Node`, async ({ retinaPage, device }) => {
    const { atol, rtol } = readGolden(model).tolerance;
    const expected = await inNode<{ label: string; score: number }[]>('image-classification', model);
    const { results: actual } = await inWorker<{ label: string; score: number }[]>(
      retinaPage,
      'image-classification',
      modelUrl(retinaPage, model),
      device,
    );
    expect(actual.map((labels) => labels.map(({ label }) => label))).toEqual(expected.map((labels) => labels.map(({ label }) => label)));
    actual.flat().forEach(({ score }, i) => {
      const want = expected.flat()[i]!.score;
      expect(Math.abs(score - want)).toBeLessThanOrEqual(atol + rtol * Math.abs(want));
    });
  });
}

test('a call that turns do_convert_rgb off still gets RGB from an RGB PNG (the browser decodes it to RGBA)', async ({
  retinaPage,
  device,
}) => {
  const { converted, asDecoded } = await retinaPage.evaluate(
    async ({ url, device }) => {
      const retina = Retina.createRetinaWorker({ device });
      try {
        const pipe = await retina.pipeline('image-classification', url);
        const image = '/fixtures/images/chelsea.png';
        return { converted: await pipe(image), asDecoded: await pipe(image, { preprocess: { doConvertRgb: false } }) };
      } finally {
        retina.terminate();
      }
    },
    { url: modelUrl(retinaPage, 'bit-preact-cls'), device },
  );
  expect(asDecoded).toEqual(converted);
});

test('image-segmentation with beit-seg matches the core in Node (post-processed on the GPU on WebGPU)', async ({ retinaPage, device }) => {
  const expected = await inNode<ImageSegmentationResult>('image-segmentation', 'beit-seg');
  const { results: actual, postprocessDevice } = await inWorker<{
    labelMap: { width: number; height: number; data: number[] };
    segments: { label: string; mask: { data: number[] } }[];
  }>(retinaPage, 'image-segmentation', modelUrl(retinaPage, 'beit-seg'), device);
  expect(postprocessDevice).toBe(device === 'webgpu' ? 'gpu' : 'cpu');
  actual.forEach((result, i) => {
    const want = expected[i]!;
    expect([result.labelMap.width, result.labelMap.height]).toEqual([want.labelMap.width, want.labelMap.height]);
    expect(result.labelMap.data).toEqual(Array.from(want.labelMap.data));
    expect(result.segments.map((segment) => segment.label)).toEqual(want.segments.map((segment) => segment.label));
    result.segments.forEach((segment, s) => expect(segment.mask.data).toEqual(Array.from(want.segments[s]!.mask.data)));
  });
});

for (const model of FEATURE_MODELS) {
  test(`image-feature-extraction with ${model} matches the core in Node`, async ({ retinaPage, device }) => {
    const { atol, rtol } = readGolden(model).tolerance;
    const expected = await inNode<ImageFeatureExtractionResult>('image-feature-extraction', model);
    const { results: actual } = await inWorker<{ dims: number[]; data: number[] }>(
      retinaPage,
      'image-feature-extraction',
      modelUrl(retinaPage, model),
      device,
    );
    actual.forEach((tensor, i) => {
      const want = expected[i]!;
      expect(tensor.dims).toEqual([...want.dims]);
      const worst = Math.max(...tensor.data.map((value, j) => Math.abs(value - want.data[j]!) - rtol * Math.abs(want.data[j]!)));
      expect(worst).toBeLessThanOrEqual(atol);
    });
  });
}

for (const model of DEPTH_MODELS) {
  test(`depth-estimation with ${model} gives the reference pipeline's maps (resized on the GPU on WebGPU)`, async ({
    retinaPage,
    device,
  }) => {
    const { images } = depthPostProcessing(model);
    expect(images).toEqual(IMAGES);
    const { results, postprocessDevice } = await inWorker<{
      predictedDepth: { width: number; height: number; data: number[] };
      depth: { width: number; height: number; data: number[] };
    }>(retinaPage, 'depth-estimation', modelUrl(retinaPage, model), device);
    expect(postprocessDevice).toBe(device === 'webgpu' ? 'gpu' : 'cpu');
    const typed = results.map(({ predictedDepth, depth }) => ({
      predictedDepth: { ...predictedDepth, data: Float32Array.from(predictedDepth.data) },
      depth: { ...depth, data: Uint8Array.from(depth.data) },
    }));
    const tolerance = device === 'webgpu' ? WEBGPU_TOLERANCE : readGolden(model).tolerance;
    const figures = expectDepthGoldens(model, typed, tolerance);
    console.log(
      `[${device}] ${model} depth-estimation: max |depth diff| ${figures.maxAbsDiff.toExponential(2)}, bytes differing ${figures.bytesDiffering.join(', ')}`,
    );
  });
}
