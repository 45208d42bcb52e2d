// The trained models the demo ships reach their accuracy targets through the SDK, on the fixed
// evaluation set that tools/shapes/make_eval_set.py drew (images never used in training); their checkpoints
// (recovered from the graphs by tools/shapes/checkpoint_from_onnx.py) give the graphs' results, and the q8
// and q4 graphs Retina builds from them keep the accuracy measured here.
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadLabelMap, pipeline, type Classification, type LabelMap, type PipelineOptions } from '@retina/core';
import { afterAll, describe, expect, it } from 'vitest';

const here = dirname(fileURLToPath(import.meta.url));
const modelsRoot = resolve(here, '..', 'public', 'models');
const evalRoot = resolve(here, '..', '..', '..', 'tools', 'shapes', 'eval-set');

interface EvalSet {
  thresholds: { classification_top1_min: number; segmentation_miou_min: number };
  classification: { model: string; labels: string[]; items: { file: string; label: number }[] };
  segmentation: { model: string; labels: string[]; items: { file: string; mask: string }[] };
}

const evalSet = JSON.parse(readFileSync(join(evalRoot, 'index.json'), 'utf8')) as EvalSet;
const bytes = (file: string) => readFileSync(join(evalRoot, file));

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
});
