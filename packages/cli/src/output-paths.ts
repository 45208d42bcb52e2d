// Where a command writes must not be what it reads: an output path that names one of its input files
// (through any path or link), or a file of the model folder, is refused before anything runs.
import { existsSync, realpathSync, statSync } from 'node:fs';
import { relative } from 'node:path';
import { UsageError } from './io.js';

function sameFile(a: string, b: string): boolean {
  if (!existsSync(a) || !existsSync(b)) return false;
  const [x, y] = [statSync(a), statSync(b)];
  return x.dev === y.dev && x.ino === y.ino;
}

/** `source` as a local model folder, or undefined for a hub id or URL. */
export function localModelFolder(source: string): string | undefined {
  return existsSync(source) && statSync(source).isDirectory() ? realpathSync(source) : undefined;
}

/** The files a model load reads from its folder: configs, checkpoints (and their shards), the onnx/ folder. */
const MODEL_FILE =
  /^(?:config\.json|preprocessor_config\.json|(?:model|pytorch_model)(?:-\d+-of-\d+)?\.(?:safetensors|bin)(?:\.index\.json)?|onnx[\\/].+)$/;

/**
 * Throws a usage error when writing `output` (the value of `option`) would overwrite one of `inputs` (as
 * `what` names them) or a file the model loads from `modelFolder`.
 */
export function checkOutputFile(option: string, output: string, inputs: readonly string[], what: string, modelFolder?: string): void {
  const input = inputs.find((path) => sameFile(output, path));
  if (input !== undefined) {
    throw new UsageError(`${option} ${output} is ${what} ${input}: writing it would overwrite that file. Choose another ${option}.`);
  }
  if (modelFolder !== undefined && existsSync(output) && MODEL_FILE.test(relative(modelFolder, realpathSync(output)))) {
    throw new UsageError(
      `${option} ${output} is a file of the model in ${modelFolder}: writing it would overwrite the model. Choose another ${option}.`,
    );
  }
}

/** Throws a usage error when the folder `output` is the model folder itself, whose files an export would overwrite. */
export function checkOutputFolder(option: string, output: string, modelFolder: string | undefined): void {
  if (modelFolder !== undefined && sameFile(output, modelFolder)) {
    throw new UsageError(
      `${option} ${output} is the model folder: writing there would overwrite its config.json and onnx/ files. Choose another folder.`,
    );
  }
}
