import { pipeline, type ImageClassificationResult } from '@retina/core';
import { formatTable } from '../format.js';
import { GLOBAL_USAGE, IMAGE_OPTIONS, IMAGE_USAGE, imageLoadOptions, MODEL_OPTIONS, MODEL_USAGE, modelLoadOptions, modelSource } from '../shared-options.js';
import type { Command } from './command.js';

const usage = `Usage: retina classify --model <folder | id> <image>... [--top-k N] [--json]

Classifies images with an image-classification model (BiT, BEiT, ViT-Hybrid) and prints the best
labels of each, with their probabilities.

Options:
  -m, --model <folder | id>  Model folder or hub id
  -k, --top-k <n>            How many labels per image (default 5)
      --json                 Print [{image, predictions: [{label, score}]}] as JSON
${IMAGE_USAGE}
${MODEL_USAGE}
${GLOBAL_USAGE}
`;

function formatResults(images: readonly string[], results: readonly ImageClassificationResult[]): string {
  return images
    .map((image, i) => {
      const rows = results[i]!.map(({ label, score }) => [`${(score * 100).toFixed(2)}%`, label]);
      return `${image}\n${formatTable(['score', 'label'], rows, ['right', 'left'])}`;
    })
    .join('\n');
}

export const classifyCommand: Command = {
  name: 'classify',
  summary: 'Classify images; print the top labels as a table or JSON',
  usage,
  options: {
    ...MODEL_OPTIONS,
    'top-k': { type: 'string', short: 'k' },
    json: { type: 'boolean' },
    ...IMAGE_OPTIONS,
  },
  operands: { name: 'image', many: true },
  async run(args, io) {
    const source = modelSource(args);
    const topK = args.positiveInteger('top-k');
    const images = args.operands;

    const classify = await pipeline('image-classification', source, modelLoadOptions(args));
    try {
      // One image at a time: a batch fails when the processor leaves images of different sizes.
      const results: ImageClassificationResult[] = [];
      for (const image of images) results.push(await classify(image, { topK, preprocess: { load: imageLoadOptions(args) } }));
      if (args.flag('json')) {
        const json = images.map((image, i) => ({ image, predictions: results[i] }));
        io.stdout(`${JSON.stringify(json, null, 2)}\n`);
      } else {
        io.stdout(formatResults(images, results));
      }
    } finally {
      await classify.close();
    }
  },
};
