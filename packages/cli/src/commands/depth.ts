import { writeFile } from 'node:fs/promises';
import { encode } from 'fast-png';
import { pipeline } from '@retina/core';
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

const usage = `Usage: retina depth --model <folder | id> <image> --out <depth.png> [--json]

Depth estimation (DPT): writes the depth-estimation pipeline's 8-bit depth image at the image's size
as a grayscale PNG (255 at the nearest point of the map, 0 at the farthest), and prints the range of
the model's relative inverse depth.

Options:
  -m, --model <folder | id>  Model folder or hub id
  -o, --out <depth.png>      Where to write the depth image
      --json                 Print the depth image's file, size and the depth range as JSON
${IMAGE_USAGE}
${MODEL_USAGE}
${GLOBAL_USAGE}
`;

export const depthCommand: Command = {
  name: 'depth',
  summary: 'Estimate depth; write the 8-bit depth image as a PNG',
  usage,
  options: {
    ...MODEL_OPTIONS,
    out: { type: 'string', short: 'o' },
    json: { type: 'boolean' },
    ...IMAGE_OPTIONS,
  },
  operands: { name: 'image', many: false },
  async run(args, io) {
    const source = modelSource(args);
    const out = args.required('out');
    const [image] = args.operands as [string];
    checkOutputFile('--out', out, [image], 'the image', localModelFolder(source));

    const estimateDepth = await pipeline('depth-estimation', source, modelLoadOptions(args));
    try {
      const { predictedDepth, depth } = await estimateDepth(image, { preprocess: { load: imageLoadOptions(args) } });
      const { width, height } = depth;
      await writeFile(out, encode({ width, height, data: depth.data, depth: 8, channels: 1 }));
      let min = Infinity;
      let max = -Infinity;
      for (const value of predictedDepth.data) {
        min = Math.min(min, value);
        max = Math.max(max, value);
      }
      if (args.flag('json')) {
        io.stdout(`${JSON.stringify({ image, depth: out, width, height, predictedDepth: { min, max } }, null, 2)}\n`);
      } else {
        io.stdout(`${out}: ${width}x${height}, 8-bit depth (255 nearest); predicted depth from ${min} to ${max}\n`);
      }
    } finally {
      await estimateDepth.close();
    }
  },
};
