import { writeFile } from 'node:fs/promises';
import { AutoModelForSemanticSegmentation, pipeline, type LabelMap } from '@retina/core';
import { formatTable } from '../format.js';
import { encodeLabelPng, encodePalettePng } from '../label-png.js';
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
import { checkOutputFile, localModelFolder } from '../output-paths.js';
import type { Command } from './command.js';

const usage = `Usage: retina segment --model <folder | id> <image> --out <labels.png> [--palette] [--json]

Semantic segmentation (${AutoModelForSemanticSegmentation.architectures.join(', ')}): writes the class id of every pixel, at the image's size, as a
grayscale PNG (8-bit; 16-bit for models with more than 256 labels), and prints the share of
the image each class covers.

Options:
  -m, --model <folder | id>  Model folder or hub id
  -o, --out <labels.png>     Where to write the label map
      --palette              Write the classes in colours (8-bit RGB) instead of their ids
      --json                 Print the label map's file, size and per-class pixel shares as JSON
${IMAGE_USAGE}
${MODEL_USAGE}
${GLOBAL_USAGE}
`;

interface ClassShare {
  id: number;
  label: string;
  pixels: number;
  share: number;
}

/** The classes present in the map, by id, with how many pixels each covers. */
function classShares(labelMap: LabelMap, id2label: Readonly<Record<number, string>>): ClassShare[] {
  const counts = new Map<number, number>();
  for (const id of labelMap.data) counts.set(id, (counts.get(id) ?? 0) + 1);
  return [...counts]
    .sort(([a], [b]) => a - b)
    .map(([id, pixels]) => ({ id, label: id2label[id] ?? `LABEL_${id}`, pixels, share: pixels / labelMap.data.length }));
}

export const segmentCommand: Command = {
  name: 'segment',
  summary: 'Segment an image; write the label map as a PNG and print class shares',
  usage,
  options: {
    ...MODEL_OPTIONS,
    out: { type: 'string', short: 'o' },
    palette: { type: 'boolean' },
    json: { type: 'boolean' },
    ...IMAGE_OPTIONS,
  },
  operands: { name: 'image', many: false },
  async run(args, io) {
    const source = modelSource(args);
    const out = args.required('out');
    const [image] = args.operands as [string];
    checkOutputFile('--out', out, [image], 'the image', localModelFolder(source));

    const segment = await pipeline('image-segmentation', source, modelLoadOptions(args));
    try {
      const { labelMap } = await segment(image, { preprocess: { load: imageLoadOptions(args) } });
      const { config } = segment.model;
      const { png, depth } = encodeLabelPng(labelMap, config.numLabels);
      await writeFile(out, args.flag('palette') ? encodePalettePng(labelMap) : png);

      const { width, height } = labelMap;
      const classes = classShares(labelMap, config.id2label);
      if (args.flag('json')) {
        io.stdout(`${JSON.stringify({ image, labels: out, width, height, depth, classes }, null, 2)}\n`);
      } else {
        const rows = classes.map(({ id, label, share }) => [String(id), label, `${(share * 100).toFixed(2)}%`]);
        const written = args.flag('palette') ? 'class colours' : `${depth}-bit class ids`;
        io.stdout(`${out}: ${width}x${height}, ${written}\n${formatTable(['id', 'label', 'share'], rows, ['right', 'left', 'right'])}`);
      }
    } finally {
      await segment.close();
    }
  },
};
