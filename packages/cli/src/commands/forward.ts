import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { AutoModel, RetinaError, type MaskedImageModelingInput, type Tensor } from '@retina/core';
import { UsageError } from '../io.js';
import { inputField, referenceOutputs } from '../reference-names.js';
import { GLOBAL_USAGE, MODEL_OPTIONS, MODEL_USAGE, modelLoadOptions, modelSource } from '../shared-options.js';
import { parseInputSpec, readTensorFile, writeTensorFile } from '../tensor-files.js';
import { checkOutputFile, localModelFolder } from '../output-paths.js';
import type { Command } from './command.js';

const usage = `Usage: retina forward --model <folder | id> --input <name>=<file.bin>:<dims>[:<dtype>] ... --out-dir <dir>

Runs the model (the architecture config.json names) on raw tensors and writes every output as
<dir>/<name>.bin (raw little-endian, C order), plus <dir>/outputs.json with names, shapes and dtypes.
Inputs and outputs go by the graph's names: pixel_values, bool_masked_pos; logits,
last_hidden_state, pooler_output, feature_maps.0, ...

Options:
  -m, --model <folder | id>  Model folder (config.json, onnx/model.onnx) or hub id
  -i, --input <spec>         A graph input (repeatable): <dims> like 2x3x32x32, <dtype> float32
                             (default), bool or int64; e.g. bool_masked_pos=mask.bin:2x64:bool
  -o, --out-dir <dir>        Where to write the outputs (created if missing)
${MODEL_USAGE}
${GLOBAL_USAGE}
`;

export const forwardCommand: Command = {
  name: 'forward',
  summary: 'Run a model on raw tensor files; write every output as a raw file',
  usage,
  options: {
    ...MODEL_OPTIONS,
    input: { type: 'string', short: 'i', multiple: true },
    'out-dir': { type: 'string', short: 'o' },
  },
  operands: undefined,
  async run(args, io) {
    const source = modelSource(args);
    const specs = args.requiredList('input').map(parseInputSpec);
    const repeated = specs.find((spec, i) => specs.findIndex((other) => other.name === spec.name) !== i);
    if (repeated) throw new UsageError(`--input ${repeated.name} is given more than once`);
    const outDir = args.required('out-dir');
    const inputs = Object.fromEntries(await Promise.all(specs.map(async (spec) => [spec.name, await readTensorFile(spec)] as const)));

    const model = await AutoModel.fromPretrained(source, modelLoadOptions(args));
    try {
      const graphInputs = model.session.inputMetadata.map((input) => input.name);
      const unknown = Object.keys(inputs).find((name) => !graphInputs.includes(name));
      if (unknown !== undefined) {
        throw new RetinaError(
          'INVALID_ARGUMENT',
          `${model.architecture} has no input "${unknown}"; its inputs are ${graphInputs.join(', ')}.`,
        );
      }
      const fields: Record<string, Tensor> = Object.fromEntries(Object.entries(inputs).map(([name, tensor]) => [inputField(name), tensor]));
      // Every wrapper reads the fields its graph needs; the model checks names, dtypes and shapes before running.
      const output = await model.forward(fields as unknown as MaskedImageModelingInput);

      const written = referenceOutputs(output);
      const inputFiles = specs.map((spec) => spec.file);
      for (const file of [...written.map(([name]) => `${name}.bin`), 'outputs.json'])
        checkOutputFile('--out-dir', join(outDir, file), inputFiles, 'the input', localModelFolder(source));
      await mkdir(outDir, { recursive: true });
      const outputs: Record<string, { file: string; shape: readonly number[]; dtype: string }> = {};
      for (const [name, tensor] of written) {
        const file = `${name}.bin`;
        await writeTensorFile(join(outDir, file), tensor);
        outputs[name] = { file, shape: tensor.dims, dtype: tensor.dtype };
      }
      const summary = JSON.stringify({ architecture: model.architecture, backend: model.session.backend, outputs }, null, 2);
      await writeFile(join(outDir, 'outputs.json'), `${summary}\n`);
      io.stdout(`${summary}\n`);
    } finally {
      await model.dispose();
    }
  },
};
