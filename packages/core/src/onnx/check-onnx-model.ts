import { RetinaError } from '../errors.js';
import { ENTRY, MODEL, TENSOR } from './onnx-fields.js';
import { MalformedModelError, messageFields, modelTensors } from './onnx-tensors.js';

const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Refuses an ONNX model that does not parse, or one of whose tensors would take its bytes from anywhere
 * but a file beside the graph in its repo. A graph is untrusted input, and onnxruntime's own checks of
 * external-data paths differ between its versions (1.22 reads `/etc/passwd` when told to), so Retina
 * checks every tensor, wherever it sits, before any runtime sees the bytes.
 */
export function checkOnnxModel(model: Uint8Array, file: string, location: string): void {
  try {
    if (![...messageFields(model, true)].some((field) => field.number === MODEL.graph && field.bytes)) {
      throw new MalformedModelError('it has no graph');
    }
    for (const tensor of modelTensors(model, true)) checkTensor(tensor, file, location);
  } catch (error) {
    if (!(error instanceof MalformedModelError)) throw error;
    throw new RetinaError(
      'MODEL_LOAD_FAILED',
      `Could not load ${file} from ${location}: it is not a valid ONNX model (${error.message}). ` +
        'Check that the file is complete and is the exported graph itself, not an error page or a Git LFS pointer.',
      { cause: error },
    );
  }
}

function checkTensor(tensor: Uint8Array, file: string, location: string): void {
  let name = '';
  const paths: string[] = [];
  for (const field of messageFields(tensor, true)) {
    if (field.number === TENSOR.name && field.bytes) name = decode(field.bytes);
    if (field.number === TENSOR.externalData && field.bytes) {
      const { key, value } = readEntry(field.bytes);
      // Every `location`, whatever data_location says: a later version of either side could read it.
      if (key === 'location') paths.push(value);
    }
  }
  for (const path of paths) {
    const problem = externalPathProblem(path);
    if (problem === undefined) continue;
    throw new RetinaError(
      'MODEL_LOAD_FAILED',
      `Could not load ${file} from ${location}: it takes the data of tensor "${name}" from ${JSON.stringify(path)}, which ${problem}. ` +
        'Retina reads external data only from files beside the graph in its model repo, named by a relative path such as ' +
        '"model.onnx.data"; the graph may be crafted to read other files. Re-export it with its weights saved beside it.',
    );
  }
}

/** Why onnxruntime could reach outside the graph's folder through `path`, or undefined when it cannot. */
function externalPathProblem(path: string): string | undefined {
  if (path === '') return 'is empty';
  if ([...path].some((char) => char.charCodeAt(0) < 0x20 || char === '\u007f')) return 'contains a control character';
  if (path.includes('\\')) return 'contains a backslash (a Windows path separator)';
  if (path.includes(':')) return 'contains ":" (a URL scheme, a drive letter or a stream name)';
  if (path.startsWith('/')) return 'is an absolute path';
  const segments = path.split('/');
  if (segments.includes('..')) return 'climbs out of the folder with ".."';
  if (segments.includes('')) return 'has an empty path segment';
  return undefined;
}

function readEntry(entry: Uint8Array): { key: string; value: string } {
  const text: Record<number, string> = {};
  for (const field of messageFields(entry, true)) if (field.bytes) text[field.number] = decode(field.bytes);
  return { key: text[ENTRY.key] ?? '', value: text[ENTRY.value] ?? '' };
}

function decode(bytes: Uint8Array): string {
  try {
    return utf8.decode(bytes);
  } catch {
    throw new MalformedModelError('a name or path is not valid UTF-8');
  }
}
