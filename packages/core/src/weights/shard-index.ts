import { RetinaError } from '../errors.js';
import { parseJsonFile } from '../hub/parse-json.js';

/** The `weight_map` of a sharded checkpoint's index (`model.safetensors.index.json`, ...): tensor name → shard file. */
export function parseShardIndex(bytes: Uint8Array, file: string, location: string): Map<string, string> {
  const index = parseJsonFile(bytes, file, location) as { weight_map?: unknown } | null;
  const weightMap = typeof index === 'object' && index !== null ? index.weight_map : undefined;
  if (typeof weightMap !== 'object' || weightMap === null || Array.isArray(weightMap)) {
    throw invalidIndex(file, location, 'it has no "weight_map" object');
  }
  const entries = Object.entries(weightMap as Record<string, unknown>);
  if (entries.length === 0) throw invalidIndex(file, location, 'its "weight_map" is empty');
  for (const [name, shard] of entries) {
    if (typeof shard !== 'string') throw invalidIndex(file, location, `its "weight_map" entry "${name}" is not a file name`);
  }
  return new Map(entries as [string, string][]);
}

function invalidIndex(file: string, location: string, problem: string): RetinaError {
  return new RetinaError(
    'MODEL_LOAD_FAILED',
    `${file} from ${location} is not a sharded checkpoint index: ${problem}. Re-download it; save_pretrained writes {"metadata": ..., "weight_map": {tensor: shard file}}.`,
  );
}
