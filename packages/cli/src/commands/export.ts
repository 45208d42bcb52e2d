import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { exportGraphFromWeights, openModelRepo, RetinaError } from '@retina/core';
import { GLOBAL_USAGE, modelSource, REPO_OPTIONS, REPO_USAGE, repoOptions } from '../shared-options.js';
import { checkOutputFolder, localModelFolder } from '../output-paths.js';
import type { Command } from './command.js';

const usage = `Usage: retina export --model <folder | id> --out <dir> [--dtype fp16|q8|q4]

Builds the ONNX graph of a checkpoint (config.json + model.safetensors or pytorch_model.bin) and writes
<dir>/onnx/model.onnx with its weights in one external data file beside it, plus copies of config.json and
preprocessor_config.json: a folder any ONNX runtime, and Retina, can load. Other dtypes write the file
transformers.js reads for them: onnx/model_fp16.onnx, onnx/model_quantized.onnx (q8), onnx/model_q4.onnx.

Options:
  -m, --model <folder | id>  Checkpoint folder or hub id
  -o, --out <dir>            Folder to write (created when missing)
      --dtype <dtype>        fp32 (default), fp16 weights and compute, q8 (int8 Linear weights, activations
                             quantized at run time: onnxruntime's CPU and WebAssembly providers) or q4
                             (4-bit Linear weights in blocks of 32, MatMulNBits: any provider)
      --max-build-bytes <n>  Most bytes the build may compute from config.json (default: 4 x the
                             checkpoint's parameters as float32, plus 64 MiB)
${REPO_USAGE}
${GLOBAL_USAGE}
`;

const CONFIG_FILES = ['config.json', 'preprocessor_config.json'] as const;

export const exportCommand: Command = {
  name: 'export',
  summary: 'Build the ONNX graph of a checkpoint and write it with its configs',
  usage,
  options: {
    ...REPO_OPTIONS,
    model: { type: 'string', short: 'm' },
    out: { type: 'string', short: 'o' },
    dtype: { type: 'string' },
    'max-build-bytes': { type: 'string' },
  },
  operands: undefined,
  async run(args, io) {
    const source = modelSource(args);
    const out = args.required('out');
    const dtype = args.choice('dtype', ['fp32', 'fp16', 'q8', 'q4'] as const);
    checkOutputFolder('--out', out, localModelFolder(source));
    const repo = openModelRepo(source, repoOptions(args));
    const maxBuildBytes = args.positiveInteger('max-build-bytes');
    const { file, graph, externalData, architecture } = await exportGraphFromWeights(repo, { dtype, maxBuildBytes });
    await mkdir(join(out, 'onnx'), { recursive: true });
    await writeFile(join(out, file), graph);
    await writeFile(join(out, 'onnx', externalData.path), externalData.data);
    const copied: string[] = [];
    for (const config of CONFIG_FILES) {
      const bytes = await repo.bytes(config).catch((error: unknown) => {
        if (error instanceof RetinaError && error.code === 'FILE_NOT_FOUND') return undefined;
        throw error;
      });
      if (bytes === undefined) continue;
      await writeFile(join(out, config), bytes);
      copied.push(config);
    }
    io.stdout(`${JSON.stringify({ architecture, files: [file, `onnx/${externalData.path}`, ...copied] })}\n`);
  },
};
