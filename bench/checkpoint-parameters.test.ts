import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fixturesRoot } from '../e2e/support/paths.js';
import { referenceParameters, type ConfigJson } from './checkpoint-parameters.js';

const modelsDir = join(fixturesRoot, 'models');

/** Name → [dtype, shape] of a safetensors file the reference wrote. */
function safetensorsHeader(file: string): Record<string, [string, number[]]> {
  const bytes = readFileSync(file);
  const length = Number(bytes.readBigUInt64LE(0));
  const { __metadata__, ...tensors } = JSON.parse(bytes.subarray(8, 8 + length).toString('utf8')) as Record<
    string,
    { dtype: string; shape: number[] }
  >;
  return Object.fromEntries(Object.entries(tensors).map(([name, { dtype, shape }]) => [name, [dtype, shape]]));
}

describe('referenceParameters', () => {
  it.each(readdirSync(modelsDir))('lists the tensors of the reference checkpoint of %s, by name, dtype and shape', (model) => {
    const config = JSON.parse(readFileSync(join(modelsDir, model, 'config.json'), 'utf8')) as ConfigJson;
    const listed = Object.fromEntries(referenceParameters(config).map(({ name, dtype, shape }) => [name, [dtype, shape]]));
    expect(listed).toEqual(safetensorsHeader(join(modelsDir, model, 'model.safetensors')));
  });
});
