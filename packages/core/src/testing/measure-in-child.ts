// Test-only: runs a scenario of child-scenarios.ts in a child process (measure-child.ts) to measure what
// it costs: a child's peak resident memory is its own, and a synchronous hang can be cut short there.
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { ScenarioName } from './child-scenarios.js';

export interface ChildMeasurement {
  /** How far the scenario raised the child's peak resident memory, in bytes. */
  growthBytes: number;
  /** The fastest of its runs, in milliseconds. */
  ms: number;
  value?: unknown;
  error?: { name: string; code?: string; message: string };
}

const script = fileURLToPath(new URL('./measure-child.ts', import.meta.url));

/**
 * Runs `scenario` with `args` in a fresh Node process, `repeat` times; rejects when it does not finish within
 * `hangAfterMs` (a guard against the hang a regression brings back, not a measurement). Asynchronous, so that
 * a server in this process can answer the child.
 */
export function measureInChild(
  scenario: ScenarioName,
  args: readonly string[],
  { repeat = 1, hangAfterMs = 120_000 }: { repeat?: number; hangAfterMs?: number } = {},
): Promise<ChildMeasurement> {
  const options = { encoding: 'utf8' as const, timeout: hangAfterMs, env: { ...process.env, MEASURE_REPEAT: String(repeat) } };
  return new Promise((resolve, reject) => {
    execFile(process.execPath, ['--import', 'tsx', script, scenario, ...args], options, (error, stdout, stderr) => {
      if (error) reject(new Error(`${scenario} ${args.join(' ')} did not finish: ${error.message}\n${stderr}`));
      else resolve(JSON.parse(stdout.trim().split('\n').at(-1)!) as ChildMeasurement);
    });
  });
}
