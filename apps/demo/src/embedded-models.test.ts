// The trained models the demo ships reach their accuracy targets through the SDK, on the fixed
// evaluation set that tools/shapes/make_eval_set.py drew (images never used in training); their checkpoints
// (recovered from the graphs by tools/shapes/checkpoint_from_onnx.py) give the graphs' results, and the q8
// and q4 graphs Retina builds from them keep the accuracy measured here.
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadLabelMap, pipeline, type Classification, type LabelMap, type PipelineOptions } from '@retina/core';
import { decode } from 'fast-png';
import { afterAll, describe, expect, it } from 'vitest';

const here = dirname(fileURLToPath(import.meta.url));
const modelsRoot = resolve(here, '..', 'public', 'models');
const evalRoot = resolve(here, '..', '..', '..', 'tools', 'shapes', 'eval-set');

interface DepthScores {
  absrel: number;
  delta1: number;
  absrel_shapes: number;
  delta1_shapes: number;
}

interface EvalSet {
  thresholds: { classification_top1_min: number; segmentation_miou_min: number };
  classification: { model: string; labels: string[]; items: { file: string; label: number }[] };
  segmentation: { model: string; labels: string[]; items: { file: string; mask: string }[] };
  depth: {
    model: string;
    disparity_scale: number;
    depth_cap: number;
    items: { file: string; disparity: string; shapes: string }[];
    reference_results: { pytorch: DepthScores; baseline_floor_only: DepthScores };
  };
}

const evalSet = JSON.parse(readFileSync(join(evalRoot, 'index.json'), 'utf8')) as EvalSet;
const bytes = (file: string) => readFileSync(join(evalRoot, file));

/**
 * |Retina − PyTorch| allowed on the recorded depth scores. Measured (onnxruntime-node 1.30, x86-64): AbsRel 8.5e-9 and
 * 4.8e-9 (shapes), δ1 equal (no pixel on the other side of 1.25), from predicted_depth within 1.8e-6 of PyTorch's. δ1 is
 * a pixel count: on another CPU's kernels a pixel within ~1e-6 of the threshold may flip, moving a 64x64 image's δ1,
 * and so the set's, by up to 2.4e-6; 1e-5 allows four such pixels.
 */
const DEPTH_TOLERANCE = { absrel: 1e-7, absrel_shapes: 1e-7, delta1: 1e-5, delta1_shapes: 1e-5 };

/**
 * MiDaS-style scores of one relative inverse depth map against the ground-truth disparity, in float64, as
 * tools/shapes/depth_metrics.py computes them: least-squares scale and shift over the valid pixels (disparity at
 * least 1 / depthCap), clamped at 1 / depthCap, turned into depth; AbsRel and δ < 1.25 over the valid pixels, and
 * over those that shapes cover.
 */
function depthScores(prediction: Float32Array, truth: Float64Array, covered: ArrayLike<number>, depthCap: number): Partial<DepthScores> {
  const valid: number[] = [];
  for (let i = 0; i < truth.length; i++) if (truth[i]! >= 1 / depthCap) valid.push(i);
  let pp = 0;
  let p = 0;
  let pg = 0;
  let g = 0;
  for (const i of valid) {
    pp += prediction[i]! * prediction[i]!;
    p += prediction[i]!;
    pg += prediction[i]! * truth[i]!;
    g += truth[i]!;
  }
  const n = valid.length;
  const det = pp * n - p * p;
  const [scale, shift] = det > 0 ? [(n * pg - p * g) / det, (pp * g - p * pg) / det] : [1, 0];
  const sums = { rel: 0, good: 0, count: 0, relShapes: 0, goodShapes: 0, countShapes: 0 };
  for (const i of valid) {
    const depth = 1 / Math.max(scale * prediction[i]! + shift, 1 / depthCap);
    const expected = 1 / truth[i]!;
    const rel = Math.abs(depth - expected) / expected;
    const good = Math.max(depth / expected, expected / depth) < 1.25 ? 1 : 0;
    sums.rel += rel;
    sums.good += good;
    sums.count++;
    if (covered[i]! > 127) {
      sums.relShapes += rel;
      sums.goodShapes += good;
      sums.countShapes++;
    }
  }
  const scores: Partial<DepthScores> = { absrel: sums.rel / sums.count, delta1: sums.good / sums.count };
  if (sums.countShapes > 0) {
    scores.absrel_shapes = sums.relShapes / sums.countShapes;
    scores.delta1_shapes = sums.goodShapes / sums.countShapes;
  }
  return scores;
}

/** The classifier's top-5 on every evaluation image. */
async function classifyAll(options: PipelineOptions): Promise<Classification[][]> {
  const { model, items } = evalSet.classification;
  const classify = await pipeline('image-classification', join(modelsRoot, model), { device: 'cpu', numThreads: 1, ...options });
  try {
    return await classify(
      items.map((item) => bytes(item.file)),
      { topK: 5 },
    );
  } finally {
    await classify.close();
  }
}

function top1Correct(results: Classification[][]): number {
  const { labels, items } = evalSet.classification;
  return results.filter((top, i) => top[0]!.label === labels[items[i]!.label]).length;
}

/** The segmenter's label map of every evaluation image. */
async function segmentAll(options: PipelineOptions): Promise<LabelMap[]> {
  const { model, items } = evalSet.segmentation;
  const segment = await pipeline('image-segmentation', join(modelsRoot, model), { device: 'cpu', numThreads: 1, ...options });
  try {
    const maps: LabelMap[] = [];
    for (const item of items) maps.push((await segment(bytes(item.file))).labelMap);
    return maps;
  } finally {
    await segment.close();
  }
}

/** Mean IoU over every class, from one confusion matrix over every pixel of every image. */
async function meanIou(maps: readonly LabelMap[]): Promise<{ meanIou: number; ious: number[] }> {
  const { labels, items } = evalSet.segmentation;
  const classes = labels.length;
  // Rows truth, columns prediction.
  const confusion = new Float64Array(classes * classes);
  for (const [i, item] of items.entries()) {
    const truth = await loadLabelMap(bytes(item.mask));
    const labelMap = maps[i]!;
    expect([labelMap.width, labelMap.height]).toEqual([truth.width, truth.height]);
    for (let p = 0; p < truth.data.length; p++) confusion[truth.data[p]! * classes + labelMap.data[p]!]! += 1;
  }
  const ious = labels.map((_, c) => {
    let truthTotal = 0;
    let predictedTotal = 0;
    for (let k = 0; k < classes; k++) {
      truthTotal += confusion[c * classes + k]!;
      predictedTotal += confusion[k * classes + c]!;
    }
    const intersection = confusion[c * classes + c]!;
    return intersection / (truthTotal + predictedTotal - intersection);
  });
  return { meanIou: ious.reduce((sum, iou) => sum + iou, 0) / classes, ious };
}

/**
 * What the q8 and q4 graphs built from the checkpoints score (onnxruntime-node, one thread): the classifier's
 * correct top-1 answers and the segmenter's mean IoU, rounded down in the fourth digit.
 */
const QUANTIZED = {
  q8: { classifierCorrect: 105, segmenterMeanIou: 0.8623 },
  q4: { classifierCorrect: 105, segmenterMeanIou: 0.8612 },
} as const;

const scores: Record<string, string> = {};
afterAll(() => {
  console.log('The demo models on the evaluation set:');
  console.table(scores);
});

describe('the demo models, on the fixed evaluation set', () => {
  const { classification, segmentation, thresholds } = evalSet;

  it(`classifier: top-1 accuracy ≥ ${thresholds.classification_top1_min}`, async () => {
    const correct = top1Correct(await classifyAll({}));
    const accuracy = correct / classification.items.length;
    scores['classifier fp32 (onnx/model.onnx)'] = `top-1 ${correct}/${classification.items.length} = ${accuracy.toFixed(4)}`;
    expect(accuracy).toBeGreaterThanOrEqual(thresholds.classification_top1_min);
  });

  it(`segmenter: mean IoU ≥ ${thresholds.segmentation_miou_min}`, async () => {
    const { meanIou: score, ious } = await meanIou(await segmentAll({}));
    scores['segmenter fp32 (onnx/model.onnx)'] =
      `mIoU ${score.toFixed(4)} (${segmentation.labels.map((label, c) => `${label} ${ious[c]!.toFixed(3)}`).join(', ')})`;
    expect(score).toBeGreaterThanOrEqual(thresholds.segmentation_miou_min);
  });

  it("the classifier's checkpoint gives its graph's answers and scores", async () => {
    const [fromGraph, fromWeights] = [await classifyAll({ source: 'onnx' }), await classifyAll({ source: 'weights' })];
    fromWeights.forEach((top, i) => {
      expect(top.map(({ label }) => label)).toEqual(fromGraph[i]!.map(({ label }) => label));
      top.forEach(({ score }, k) => expect(Math.abs(score - fromGraph[i]![k]!.score)).toBeLessThanOrEqual(1e-5));
    });
  });

  it("the segmenter's checkpoint gives its graph's label maps", async () => {
    const [fromGraph, fromWeights] = [await segmentAll({ source: 'onnx' }), await segmentAll({ source: 'weights' })];
    fromWeights.forEach((map, i) => expect(map.data).toEqual(fromGraph[i]!.data));
  });

  for (const [dtype, measured] of Object.entries(QUANTIZED)) {
    it(`classifier ${dtype} built from its checkpoint: ${measured.classifierCorrect} of ${classification.items.length} right`, async () => {
      const correct = top1Correct(await classifyAll({ dtype: dtype as keyof typeof QUANTIZED }));
      scores[`classifier ${dtype}`] =
        `top-1 ${correct}/${classification.items.length} = ${(correct / classification.items.length).toFixed(4)}`;
      expect(correct).toBeGreaterThanOrEqual(measured.classifierCorrect);
    });

    it(`segmenter ${dtype} built from its checkpoint: mean IoU ≥ ${measured.segmenterMeanIou}`, async () => {
      const { meanIou: score } = await meanIou(await segmentAll({ dtype: dtype as keyof typeof QUANTIZED }));
      scores[`segmenter ${dtype}`] = `mIoU ${score.toFixed(4)}`;
      expect(score).toBeGreaterThanOrEqual(measured.segmenterMeanIou);
    });
  }

  it('depth model: AbsRel and δ1 as recorded from PyTorch, well ahead of the floor-only baseline on the shapes', async () => {
    const { model, items, disparity_scale: disparityScale, depth_cap: depthCap, reference_results: recorded } = evalSet.depth;
    const folder = join(modelsRoot, model);
    await using estimateDepth = await pipeline('depth-estimation', folder, { device: 'cpu', source: 'weights' });
    const perImage: Partial<DepthScores>[] = [];
    for (const item of items) {
      const estimate = await estimateDepth(bytes(item.file));
      const truth = decode(bytes(item.disparity));
      const covered = decode(bytes(item.shapes));
      expect([truth.depth, truth.channels, covered.channels]).toEqual([16, 1, 1]);
      expect([estimate.predictedDepth.width, estimate.predictedDepth.height]).toEqual([truth.width, truth.height]);
      const disparity = Float64Array.from(truth.data, (value) => value / disparityScale);
      perImage.push(depthScores(estimate.predictedDepth.data, disparity, covered.data, depthCap));
    }
    const keys = ['absrel', 'delta1', 'absrel_shapes', 'delta1_shapes'] as const;
    const scores = Object.fromEntries(
      keys.map((key) => {
        const values = perImage.flatMap((image) => (image[key] === undefined ? [] : [image[key]]));
        return [key, values.reduce((sum, value) => sum + value, 0) / values.length];
      }),
    ) as unknown as DepthScores;
    const baseline = recorded.baseline_floor_only;
    console.log(
      `${model}: ${keys.map((key) => `${key} ${scores[key].toFixed(4)} (PyTorch ${recorded.pytorch[key].toFixed(4)}, floor only ${baseline[key].toFixed(4)})`).join(', ')}`,
    );
    for (const key of keys) expect(Math.abs(scores[key] - recorded.pytorch[key]), key).toBeLessThanOrEqual(DEPTH_TOLERANCE[key]);
    expect(scores.absrel_shapes).toBeLessThan(baseline.absrel_shapes / 2);
    expect(scores.delta1_shapes).toBeGreaterThan(baseline.delta1_shapes);
  });
});
