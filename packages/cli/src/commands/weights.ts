import { openModelRepo, readCheckpoint, type Checkpoint } from '@retina/core';
import { formatTable } from '../format.js';
import { GLOBAL_USAGE, modelSource, REPO_OPTIONS, REPO_USAGE, repoOptions } from '../shared-options.js';
import type { Command } from './command.js';

const usage = `Usage: retina weights --model <folder | id | url> [--json]

Reads a model's checkpoint the way Transformers finds it (model.safetensors, its sharded index,
pytorch_model.bin, its sharded index) and lists every tensor with its dtype and shape, then the
parameter count, the bytes and the file(s) read. pytorch_model.bin is read without running its pickle.

Options:
  -m, --model <folder | id | url>  Model folder, hub id or base URL
      --json                       Print {files, metadata, parameters, bytes, tensors: [{name, dtype, shape, file}]}
${REPO_USAGE}
${GLOBAL_USAGE}
`;

function summarize(checkpoint: Checkpoint) {
  const tensors = [...checkpoint.tensors.values()].map(({ name, dtype, shape, file }) => ({ name, dtype, shape, file }));
  const parameters = tensors.reduce((sum, { shape }) => sum + shape.reduce((count, dim) => count * dim, 1), 0);
  const bytes = [...checkpoint.tensors.values()].reduce((sum, tensor) => sum + tensor.data.byteLength, 0);
  const files = checkpoint.files.map(({ name, bytes: data }) => ({ name, bytes: data.byteLength }));
  return { files, metadata: checkpoint.metadata, parameters, bytes, tensors };
}

function formatSummary({ files, parameters, bytes, tensors }: ReturnType<typeof summarize>): string {
  const rows = tensors.map(({ name, dtype, shape, file }) => [name, dtype, `[${shape.join(', ')}]`, file]);
  const table = formatTable(['name', 'dtype', 'shape', 'file'], rows, ['left', 'left', 'left', 'left']);
  const fileList = files.map((file) => `${file.name} (${file.bytes.toLocaleString('en-US')} bytes)`).join(', ');
  return `${table}${tensors.length} tensors, ${parameters.toLocaleString('en-US')} parameters, ${bytes.toLocaleString('en-US')} bytes, from ${fileList}\n`;
}

export const weightsCommand: Command = {
  name: 'weights',
  summary: "List a checkpoint's tensors (model.safetensors or pytorch_model.bin)",
  usage,
  options: {
    ...REPO_OPTIONS,
    model: { type: 'string', short: 'm' },
    json: { type: 'boolean' },
  },
  operands: undefined,
  async run(args, io) {
    const summary = summarize(await readCheckpoint(openModelRepo(modelSource(args), repoOptions(args))));
    io.stdout(args.flag('json') ? `${JSON.stringify(summary, null, 2)}\n` : formatSummary(summary));
  },
};
