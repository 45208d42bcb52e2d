// Loads contenders side by side on the bench page, then times them in interleaved rounds: one run of
// each in turn (the order rotating), so that the load other processes put on this shared machine hits
// every contender alike.
import type { CDPSession, Page } from '@playwright/test';
import { RETINA_WORKER_FOLDERS, type BenchPage, type ContenderRequest, type RetinaKind } from './page/protocol.js';
import { peakBytes, rendererPids, resetPeak } from './process-memory.js';
import type { ContenderName, Measured, RoundsResults } from './results.js';
import { median } from './stats.js';

export interface SeriesPolicy {
  /** Timed rounds wanted. */
  runs: number;
  /** When a run takes longer than this, the rounds may stop early (and warm-up is one run)... */
  slowRunMs: number;
  /** Warm-up per series after loading, at least (see page/runs.ts). */
  warmUpMs: number;
  /** ...once there are this many... */
  minRuns: number;
  /** ...and they have taken this long. */
  budgetMs: number;
}

/** The script URL part that measureUserAgentSpecificMemory attributes each contender's worker to. */
const WORKER_URL_PART: Record<ContenderName, string> = {
  floor: 'floor-worker',
  floorRoundTrip: 'floor-worker',
  transformersJs: 'transformers-worker',
  transformersJsQ8: 'transformers-worker',
  ...(Object.fromEntries(Object.entries(RETINA_WORKER_FOLDERS).map(([kind, folder]) => [kind, `/${folder}/worker.js`])) as Record<
    RetinaKind,
    string
  >),
  retinaRoundTrip: `/${RETINA_WORKER_FOLDERS.retina}/worker.js`,
};

/** Calls window.retinaBench[method] in the page. */
export function pageCall(page: Page) {
  return <K extends keyof BenchPage>(method: K, ...args: Parameters<BenchPage[K]>) =>
    page.evaluate(
      ([name, params]) =>
        (globalThis as unknown as { retinaBench: Record<string, (...a: unknown[]) => unknown> }).retinaBench[name]!(...params),
      [method, args] as const,
    ) as Promise<Awaited<ReturnType<BenchPage[K]>>>;
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message.split('\n')[0]! : String(error);
}

/** Loads `requests` one after another (peak memory reset before each), then runs the rounds. */
export async function runRounds(
  page: Page,
  browserSession: CDPSession,
  requests: ContenderRequest[],
  policy: SeriesPolicy,
): Promise<RoundsResults> {
  const call = pageCall(page);
  const contenders: RoundsResults['contenders'] = {};
  const series: Partial<Record<ContenderName, Record<string, number[]>>> = {};
  const process: Partial<Record<ContenderName, { baselineBytes: number; peakBytes: number }>> = {};
  const loads: Partial<Record<ContenderName, Awaited<ReturnType<BenchPage['load']>>>> = {};
  for (const request of requests) {
    const pids = await rendererPids(browserSession);
    const baselineBytes = resetPeak(pids);
    const start = performance.now();
    try {
      loads[request.kind] = await call('load', request);
      process[request.kind] = { baselineBytes, peakBytes: peakBytes(pids) };
      series[request.kind] = {};
      console.log(`  ${request.kind.padEnd(16)} loaded and warmed up in ${((performance.now() - start) / 1000).toFixed(0)} s`);
    } catch (error) {
      contenders[request.kind] = { error: errorText(error) };
      console.error(`  ${request.kind} failed to load: ${errorText(error)}`);
    }
  }
  const running = Object.keys(series) as ContenderName[];
  let rounds = 0;
  let reduced = false;
  const started = performance.now();
  while (running.length > 0 && rounds < policy.runs) {
    // Each round starts with the next contender, so that none always runs right after the same other one.
    const order = [...running.slice(rounds % running.length), ...running.slice(0, rounds % running.length)];
    for (const kind of order) {
      const times = await call('round', kind);
      for (const [name, ms] of Object.entries(times)) (series[kind]![name] ??= []).push(ms);
    }
    rounds++;
    const slowest = Math.max(...running.flatMap((kind) => Object.values(series[kind]!).map(median)));
    if (slowest > policy.slowRunMs && rounds >= policy.minRuns && performance.now() - started >= policy.budgetMs) {
      reduced = true;
      break;
    }
  }
  console.log(`  ${rounds} rounds in ${((performance.now() - started) / 1000).toFixed(0)} s`);
  const memory = await call('memory').catch(() => undefined);
  for (const kind of running) {
    const userAgentBytes = memory && Object.entries(memory).find(([url]) => url.includes(WORKER_URL_PART[kind]))?.[1];
    const measured: Measured = {
      load: loads[kind]!,
      series: series[kind]!,
      process: process[kind]!,
      userAgentBytes,
      output: await call('output', kind),
    };
    contenders[kind] = measured;
  }
  await call('unloadAll');
  return { rounds, reduced, contenders };
}
