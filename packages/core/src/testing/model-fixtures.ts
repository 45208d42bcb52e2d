// Test-only helpers for the model fixtures in shared/fixtures/models (read, never written).
import { readdirSync } from 'node:fs';
import { openModelRepo, type ModelRepo } from '../hub/index.js';
import { Tensor } from '../tensor.js';
import { fixturePath, readBin, readJson, type BinDescriptor } from './fixtures.js';

export interface GoldenCase {
  name: string;
  inputs: Record<string, BinDescriptor>;
  outputs: Record<string, BinDescriptor>;
}

export interface Golden {
  model: string;
  architecture: string;
  model_type: string;
  tolerance: { atol: number; rtol: number };
  cases: GoldenCase[];
}

export const fixtureModels: string[] = readdirSync(fixturePath('models')).sort();

export function readGolden(model: string): Golden {
  return readJson('models', model, 'golden', 'golden.json');
}

export function fixtureRepo(model: string): ModelRepo {
  return openModelRepo(fixturePath('models', model));
}

/** A golden `.bin` as a Retina tensor. */
export function goldenTensor(model: string, desc: BinDescriptor): Tensor {
  const data = readBin(desc, 'models', model, 'golden');
  return new Tensor(desc.dtype, data, desc.shape);
}

/**
 * `repo` with some files replaced: a Uint8Array as raw bytes, anything else as the JSON it stands for.
 */
export function repoWithFiles(repo: ModelRepo, files: Record<string, unknown>): ModelRepo {
  const bytesOf = (file: string): Uint8Array => {
    const content = files[file];
    return content instanceof Uint8Array ? content : new TextEncoder().encode(JSON.stringify(content));
  };
  return {
    location: `${repo.location} (with replaced ${Object.keys(files).join(', ')})`,
    json: async <T>(file: string, options?: { signal?: AbortSignal }) =>
      file in files ? (JSON.parse(new TextDecoder().decode(bytesOf(file))) as T) : repo.json<T>(file, options),
    bytes: async (file, options) => (file in files ? bytesOf(file) : repo.bytes(file, options)),
  };
}

/** Largest |a - e| and how many elements break |a - e| <= atol + rtol * |e|. */
export function compareToGolden(actual: ArrayLike<number>, expected: ArrayLike<number>, tolerance: Golden['tolerance']) {
  let maxAbsDiff = 0;
  let violations = 0;
  for (let i = 0; i < expected.length; i++) {
    const diff = Math.abs(actual[i]! - expected[i]!);
    if (!(diff <= tolerance.atol + tolerance.rtol * Math.abs(expected[i]!))) violations++;
    maxAbsDiff = Math.max(maxAbsDiff, diff);
  }
  return { maxAbsDiff, violations };
}
