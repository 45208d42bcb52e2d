// Test-only: runs the CLI in-process (so @retina/core comes from its sources) and gives it a scratch folder.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';
import { main } from '../cli.js';

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** One onnxruntime thread per operator: the test machines are shared. */
export const ONE_THREAD = ['--threads', '1'];

export async function runCli(...argv: string[]): Promise<CliRun> {
  const run = { code: 0, stdout: '', stderr: '' };
  run.code = await main(argv, {
    stdout: (text) => (run.stdout += text),
    stderr: (text) => (run.stderr += text),
  });
  return run;
}

/** A fresh folder under the OS temp dir, removed after the calling test file. */
export function suiteTempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'retina-cli-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}
