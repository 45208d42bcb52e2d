import type { WarmUpPolicy } from './protocol.js';

/** The runs of one contender's round, by series name (e.g. inference, decode). */
export type RoundRuns = Record<string, () => Promise<unknown>>;

/**
 * Warm-up before timed runs, per series: until `warmUpMs` have passed, at least two runs (one when
 * the first is slower than `slowRunMs`). A fast series runs many times: for seconds after a
 * WebAssembly module loads, V8 compiles its optimised code in the background, taking CPU from
 * everything else (measured: the 224 round trip spends 4-5 ms beyond inference in its first ~60
 * calls, 0.7 ms afterwards).
 */
export async function warmUp(runs: RoundRuns, { slowRunMs, warmUpMs }: WarmUpPolicy): Promise<void> {
  for (const run of Object.values(runs)) {
    const start = performance.now();
    if ((await timed(run)) > slowRunMs) continue;
    for (let count = 1; count < 2 || performance.now() - start < warmUpMs; count++) await run();
  }
}

async function timed(run: () => Promise<unknown>): Promise<number> {
  const start = performance.now();
  await run();
  return performance.now() - start;
}

/** One timed run of every series, in milliseconds. */
export async function timeRound(runs: RoundRuns): Promise<Record<string, number>> {
  const times: Record<string, number> = {};
  for (const [name, run] of Object.entries(runs)) times[name] = await timed(run);
  return times;
}
