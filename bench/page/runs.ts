/** The runs of one contender's round, by series name (e.g. inference, decode). */
export type RoundRuns = Record<string, () => Promise<unknown>>;

/** Warm-up before timed runs, per series: two runs, or one when the first is slower than `slowRunMs`. */
export async function warmUp(runs: RoundRuns, slowRunMs: number): Promise<void> {
  for (const run of Object.values(runs)) {
    if ((await timed(run)) <= slowRunMs) await run();
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
