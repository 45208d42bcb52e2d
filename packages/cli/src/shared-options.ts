// Option groups that several commands share, with their usage lines and what they turn into.
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import type { FromPretrainedOptions, HubOptions, LoadImageOptions } from '@retina/core';
import type { CommandArgs, OptionSpecs } from './args.js';

/** Accepted by every command; the entry point handles them. */
export const GLOBAL_OPTIONS = {
  help: { type: 'boolean', short: 'h' },
  debug: { type: 'boolean' },
} satisfies OptionSpecs;

export const GLOBAL_USAGE = [
  '  -h, --help                 Show this help',
  '      --debug                Print the stack trace of an error',
].join('\n');

/** How model files are read: by every command that reads a model. */
export const REPO_OPTIONS = {
  'max-file-bytes': { type: 'string' },
} satisfies OptionSpecs;

export const REPO_USAGE = '      --max-file-bytes <n>   Refuse model files larger than n bytes (default 4294967296, 4 GiB)';

/** What `--max-file-bytes` asks of the model repo. */
export function repoOptions(args: CommandArgs): HubOptions {
  return { maxFileBytes: args.positiveInteger('max-file-bytes') };
}

export const MODEL_OPTIONS = {
  ...REPO_OPTIONS,
  model: { type: 'string', short: 'm' },
  device: { type: 'string' },
  dtype: { type: 'string' },
  source: { type: 'string' },
  threads: { type: 'string' },
  'max-build-bytes': { type: 'string' },
} satisfies OptionSpecs;

export const MODEL_USAGE = [
  '      --device <device>      auto (default), cpu (onnxruntime-node) or wasm (onnxruntime-web)',
  '      --dtype <dtype>        fp32 (default, onnx/model.onnx), fp16, q8 (int8 Linear weights, activations',
  '                             quantized at run time) or q4 (4-bit Linear weights); from an ONNX repo the file',
  '                             transformers.js reads for it (model_fp16, model_quantized, model_q4.onnx)',
  '      --source <source>      auto (default: onnx/model.onnx when present, else built from the checkpoint),',
  '                             onnx or weights (config.json + model.safetensors or pytorch_model.bin)',
  "      --threads <n>          CPU threads per operator (default: onnxruntime's choice)",
  REPO_USAGE,
  '      --max-build-bytes <n>  Most bytes a graph built from the checkpoint may compute from config.json',
  '                             (default: 4 x its parameters as float32, plus 64 MiB)',
].join('\n');

const DEVICES = ['auto', 'cpu', 'wasm'] as const;
const DTYPES = ['fp32', 'fp16', 'q8', 'q4'] as const;
const SOURCES = ['auto', 'onnx', 'weights'] as const;

/** How `--device`, `--dtype`, `--source` and `--threads` ask the model to be loaded. */
export function modelLoadOptions(args: CommandArgs): FromPretrainedOptions {
  return {
    device: args.choice('device', DEVICES),
    dtype: args.choice('dtype', DTYPES),
    source: args.choice('source', SOURCES),
    numThreads: args.positiveInteger('threads'),
    maxBuildBytes: args.positiveInteger('max-build-bytes'),
    ...repoOptions(args),
  };
}

/**
 * `--model` as core's model loaders take it. Core reads relative folders only as "./name", and takes
 * "owner/name" for a hub id, so a path that exists here is made absolute; anything else is an id or URL.
 */
export function modelSource(args: CommandArgs): string {
  const model = args.required('model');
  return existsSync(model) ? resolve(model) : model;
}

export const IMAGE_OPTIONS = {
  exif: { type: 'boolean' },
} satisfies OptionSpecs;

export const IMAGE_USAGE = [
  "      --exif                 Apply the EXIF orientation first, as Transformers' load_image does",
  '                             (off by default: the reference image processors ignore it)',
].join('\n');

export function imageLoadOptions(args: CommandArgs): LoadImageOptions {
  return { applyExifOrientation: args.flag('exif') };
}
