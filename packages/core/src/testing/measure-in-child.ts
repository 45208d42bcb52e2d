// Test-only: runs a scenario of child-scenarios.ts in a child process (measure-child.ts) to measure what
// it costs: a child's peak resident memory is its own, and a synchronous hang can be cut short there.
import { spawnSync } from 'node:child_process';
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
 * Runs `scenario` with `args` in a fresh Node process, `repeat` times; throws when it does not finish within
 * `hangAfterMs` (a guard against the hang a regression brings back, not a measurement).
 */
export function measureInChild(
  scenario: ScenarioName,
  args: readonly string[],
  { repeat = 1, hangAfterMs = 120_000 }: { repeat?: number; hangAfterMs?: number } = {},
): ChildMeasurement {
  const child = spawnSync(process.execPath, ['--import', 'tsx', script, scenario, ...args], {
    encoding: 'utf8',
    timeout: hangAfterMs,
    env: { ...process.env, MEASURE_REPEAT: String(repeat) },
  });
  if (child.error || child.status !== 0) {
    const why = child.error ? child.error.message : `exit status ${child.status} (signal ${child.signal})`;
    throw new Error(`${scenario} ${args.join(' ')} did not finish: ${why}\n${child.stderr}`);
  }
  return JSON.parse(child.stdout.trim().split('\n').at(-1)!) as ChildMeasurement;
}
