import { AutoImageProcessor, openModelRepo, type ImageProcessor } from '@retina/core';
import { basename, dirname, resolve } from 'node:path';
import { GLOBAL_USAGE, IMAGE_OPTIONS, IMAGE_USAGE, imageLoadOptions } from '../shared-options.js';
import { writeTensorFile } from '../tensor-files.js';
import { checkOutputFile, localModelFolder } from '../output-paths.js';
import type { Command } from './command.js';

const usage = `Usage: retina preprocess --processor <preprocessor_config.json | model folder> --image <file> --out <file.bin>

Runs the model's image processor (resize, crop, rescale, normalise) and writes pixel_values as raw
float32 little-endian values; prints their shape as JSON. Give --image several times for a batch.

Options:
  -p, --processor <path>     A preprocessor_config.json, or a model folder holding one
  -i, --image <file>         PNG or JPEG image (repeatable)
  -o, --out <file.bin>       Where to write pixel_values
${IMAGE_USAGE}
${GLOBAL_USAGE}
`;

/** A config file is read as is; a folder goes through AutoImageProcessor, which falls back on config.json's model_type. */
function loadProcessor(path: string): Promise<ImageProcessor> {
  const absolute = resolve(path);
  if (!absolute.endsWith('.json')) return AutoImageProcessor.fromPretrained(absolute);
  return openModelRepo(dirname(absolute))
    .json<Record<string, unknown>>(basename(absolute))
    .then((config) => AutoImageProcessor.fromConfig(config));
}

export const preprocessCommand: Command = {
  name: 'preprocess',
  summary: 'Run an image processor; write pixel_values as a raw float32 file',
  usage,
  options: {
    processor: { type: 'string', short: 'p' },
    image: { type: 'string', short: 'i', multiple: true },
    out: { type: 'string', short: 'o' },
    ...IMAGE_OPTIONS,
  },
  operands: undefined,
  async run(args, io) {
    const processorPath = args.required('processor');
    const images = args.requiredList('image');
    const out = args.required('out');
    checkOutputFile('--out', out, images, 'the image');
    checkOutputFile('--out', out, [processorPath], 'the processor config', localModelFolder(processorPath));

    const processor = await loadProcessor(processorPath);
    const { pixelValues } = await processor.preprocess(images, { load: imageLoadOptions(args) });
    await writeTensorFile(out, pixelValues);
    io.stdout(`${JSON.stringify({ pixel_values: { shape: pixelValues.dims, dtype: pixelValues.dtype } })}\n`);
  },
};
