// Reads the golden fixtures (never writes them).
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fixturesRoot } from './paths.js';

export interface BinDescriptor {
  file: string;
  shape: number[];
  dtype: 'float32' | 'int32' | 'uint8' | 'bool';
}

export interface Golden {
  model: string;
  architecture: string;
  tolerance: { atol: number; rtol: number };
  cases: { name: string; inputs: Record<string, BinDescriptor>; outputs: Record<string, BinDescriptor> }[];
}

export const fixtureModels: string[] = readdirSync(join(fixturesRoot, 'models')).sort();

export function readGolden(model: string): Golden {
  return JSON.parse(readFileSync(join(fixturesRoot, 'models', model, 'golden', 'golden.json'), 'utf8')) as Golden;
}

export function fixtureFile(...parts: string[]): string {
  return join(fixturesRoot, ...parts);
}
