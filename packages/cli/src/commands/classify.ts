import { AutoModelForImageClassification, pipeline, RetinaError, type ImageClassificationResult } from '@retina/core';
import { formatTable } from '../format.js';
import {
  GLOBAL_USAGE,
  IMAGE_OPTIONS,
  IMAGE_USAGE,
  imageLoadOptions,
  MODEL_OPTIONS,
  MODEL_USAGE,
  modelLoadOptions,
  modelSource,
} from '../shared-options.js';
import type { Command } from './command.js';

const usage = `Usage: retina classify --model <folder | id> <image>... [--top-k N] [--json]

Classifies images with an image-classification model (${AutoModelForImageClassification.architectures.join(', ')}) and prints the best
labels of each, with their probabilities. An image that fails is reported in its place and the
others still run; the exit code is then 1.

Options:
  -m, --model <folder | id>  Model folder or hub id
  -k, --top-k <n>            How many labels per image (default 5)
      --json                 Print [{image, predictions: [{label, score}]}] as JSON; a failed image
                             has {image, error: {code, message}} instead
${IMAGE_USAGE}
${MODEL_USAGE}
${GLOBAL_USAGE}
`;

/** Why one image failed: the RetinaError's code (null for other errors) and message. */
interface ImageFailure {
  code: string | null;
  message: string;
}

/** One image's outcome: its labels, or why it failed. */
type ImageOutcome = { image: string; predictions: ImageClassificationResult } | { image: string; error: ImageFailure };

function describeFailure(error: unknown): ImageFailure {
  return { code: error instanceof RetinaError ? error.code : null, message: error instanceof Error ? error.message : String(error) };
}

function formatOutcome(outcome: ImageOutcome): string {
  if ('error' in outcome) return `${outcome.image}\n  error: ${outcome.error.message}\n`;
  const rows = outcome.predictions.map(({ label, score }) => [`${(score * 100).toFixed(2)}%`, label]);
  return `${outcome.image}\n${formatTable(['score', 'label'], rows, ['right', 'left'])}`;
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
    const outcomes: ImageOutcome[] = [];
    try {
      // One image at a time: a batch fails when the processor leaves images of different sizes, and one
      // bad image must not cost the others their results.
      for (const image of images) {
        try {
          outcomes.push({ image, predictions: await classify(image, { topK, preprocess: { load: imageLoadOptions(args) } }) });
        } catch (error) {
          outcomes.push({ image, error: describeFailure(error) });
          if (args.flag('debug') && error instanceof Error && error.stack) io.stderr(`${error.stack}\n`);
        }
      }
    } finally {
      await classify.close();
    }
    io.stdout(args.flag('json') ? `${JSON.stringify(outcomes, null, 2)}\n` : outcomes.map(formatOutcome).join('\n'));
    const failed = outcomes.filter((outcome) => 'error' in outcome).map(({ image }) => image);
    if (failed.length > 0) throw new Error(`${failed.length} of ${images.length} images failed: ${failed.join(', ')}`);
  },
};
