// Random-weight checkpoints of the bench models, laid out like a Hub repo (config.json,
// preprocessor_config.json, model.safetensors) in bench/.cache/checkpoints/<model>: the weights are
// seeded, so every run writes the same bytes; generated when missing, never committed.
import { closeSync, copyFileSync, existsSync, mkdirSync, openSync, readFileSync, renameSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { beitStateDict } from './beit-checkpoint.js';

/** One parameter: float32 values drawn from N(0, std²), or all equal to `constant`. */
export interface StateDictEntry {
  readonly name: string;
  readonly shape: readonly number[];
  readonly init: { readonly std: number } | { readonly constant: number };
}

const STATE_DICTS: Readonly<Record<string, (config: never) => StateDictEntry[]>> = { beit: beitStateDict };

/** FNV-1a of a string: each tensor's seed comes from its name, so tensors do not depend on each other. */
function hashName(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) hash = Math.imul(hash ^ text.charCodeAt(i), 0x01000193) >>> 0;
  return hash;
}

/** Mulberry32 uniforms in (0, 1). */
function uniforms(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return (((t ^ (t >>> 14)) >>> 0) + 0.5) / 4294967296;
  };
}

function values(entry: StateDictEntry): Float32Array {
  const out = new Float32Array(entry.shape.reduce((a, b) => a * b, 1));
  if ('constant' in entry.init) return out.fill(entry.init.constant);
  const { std } = entry.init;
  const next = uniforms(hashName(entry.name));
  // Box-Muller, one sample per pair of uniforms.
  for (let i = 0; i < out.length; i++) out[i] = std * Math.sqrt(-2 * Math.log(next())) * Math.cos(2 * Math.PI * next());
  return out;
}

function writeSafetensors(path: string, entries: readonly StateDictEntry[]): void {
  const header: Record<string, unknown> = { __metadata__: { format: 'pt' } };
  let offset = 0;
  for (const { name, shape } of entries) {
    const bytes = shape.reduce((a, b) => a * b, 1) * 4;
    header[name] = { dtype: 'F32', shape, data_offsets: [offset, offset + bytes] };
    offset += bytes;
  }
  // Pad the header with spaces so the data starts 8-byte aligned, as safetensors' own writer does.
  let json = JSON.stringify(header);
  json += ' '.repeat((8 - ((8 + json.length) % 8)) % 8);
  const partial = `${path}.partial`;
  const fd = openSync(partial, 'w');
  try {
    const length = new Uint8Array(8);
    new DataView(length.buffer).setBigUint64(0, BigInt(json.length), true);
    writeSync(fd, length);
    writeSync(fd, new TextEncoder().encode(json));
    for (const entry of entries) {
      const data = values(entry);
      writeSync(fd, new Uint8Array(data.buffer));
    }
  } finally {
    closeSync(fd);
  }
  renameSync(partial, path);
}

/**
 * The folder of a random-weight checkpoint for the bench model in `modelDir` (its config.json decides the
 * parameters), written into `cacheDir` when missing. Undefined for model types without a state dict here.
 */
export function randomCheckpoint(modelDir: string, cacheDir: string, name: string): string | undefined {
  const config = JSON.parse(readFileSync(join(modelDir, 'config.json'), 'utf8')) as { model_type: string };
  const stateDict = STATE_DICTS[config.model_type];
  if (!stateDict) return undefined;
  const folder = join(cacheDir, 'checkpoints', name);
  if (existsSync(join(folder, 'model.safetensors'))) return folder;
  mkdirSync(folder, { recursive: true });
  for (const file of ['config.json', 'preprocessor_config.json']) copyFileSync(join(modelDir, file), join(folder, file));
  writeSafetensors(join(folder, 'model.safetensors'), stateDict(config as never));
  return folder;
}
