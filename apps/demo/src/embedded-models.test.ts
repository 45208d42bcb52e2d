// The trained models the demo ships reach their accuracy targets through the SDK, on the fixed
// evaluation set that tools/shapes/make_eval_set.py drew (images never used in training).
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadLabelMap, pipeline } from '@retina/core';
import { describe, expect, it } from 'vitest';

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

describe('the demo models, on the fixed evaluation set', () => {
  it(`classifier: top-1 accuracy ≥ ${evalSet.thresholds.classification_top1_min}`, async () => {
    const { model, labels, items } = evalSet.classification;
    const classify = await pipeline('image-classification', join(modelsRoot, model), { device: 'cpu' });
    try {
      const results = await classify(
        items.map((item) => bytes(item.file)),
        { topK: 1 },
      );
      const correct = results.filter((top, i) => top[0]!.label === labels[items[i]!.label]).length;
      const accuracy = correct / items.length;
      console.log(`${model}: top-1 ${correct}/${items.length} = ${accuracy.toFixed(4)}`);
      expect(accuracy).toBeGreaterThanOrEqual(evalSet.thresholds.classification_top1_min);
    } finally {
      await classify.close();
    }
  });

  it(`segmenter: mean IoU ≥ ${evalSet.thresholds.segmentation_miou_min}`, async () => {
    const { model, labels, items } = evalSet.segmentation;
    const classes = labels.length;
    const segment = await pipeline('image-segmentation', join(modelsRoot, model), { device: 'cpu' });
    // Confusion matrix over every pixel of every image: rows truth, columns prediction.
    const confusion = new Float64Array(classes * classes);
    try {
      for (const item of items) {
        const { labelMap } = await segment(bytes(item.file));
        const truth = await loadLabelMap(bytes(item.mask));
        expect([labelMap.width, labelMap.height]).toEqual([truth.width, truth.height]);
        for (let p = 0; p < truth.data.length; p++) confusion[truth.data[p]! * classes + labelMap.data[p]!]! += 1;
      }
    } finally {
      await segment.close();
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
    const meanIou = ious.reduce((sum, iou) => sum + iou, 0) / classes;
    console.log(`${model}: mIoU ${meanIou.toFixed(4)} (${labels.map((label, c) => `${label} ${ious[c]!.toFixed(3)}`).join(', ')})`);
    expect(meanIou).toBeGreaterThanOrEqual(evalSet.thresholds.segmentation_miou_min);
  });
});
