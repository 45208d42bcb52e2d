// Peak resident memory of the browser's renderer processes (the page and its workers live in one),
// read from Linux's /proc: VmHWM is the high-water mark, which writing 5 to clear_refs resets. It counts
// everything the page holds — V8 heap, ArrayBuffers, WebAssembly memory — which no JS API reports whole.
import { readFileSync, writeFileSync } from 'node:fs';
import type { CDPSession } from '@playwright/test';

export async function rendererPids(browserSession: CDPSession): Promise<number[]> {
  const { processInfo } = (await browserSession.send('SystemInfo.getProcessInfo')) as { processInfo: { type: string; id: number }[] };
  return processInfo.filter((p) => p.type === 'renderer').map((p) => p.id);
}

function statusKb(pid: number, field: 'VmHWM' | 'VmRSS'): number {
  const line = readFileSync(`/proc/${pid}/status`, 'utf8')
    .split('\n')
    .find((l) => l.startsWith(`${field}:`));
  return Number(line?.match(/\d+/)?.[0] ?? 0);
}

/** Resets the peak of every renderer; returns their summed resident memory now, in bytes. */
export function resetPeak(pids: readonly number[]): number {
  return [...resetPeaks(pids).values()].reduce((sum, bytes) => sum + bytes, 0);
}

/** The largest renderer's peak resident memory since the last reset, in bytes. */
export function peakBytes(pids: readonly number[]): number {
  return Math.max(0, ...pids.map((pid) => statusKb(pid, 'VmHWM') * 1024));
}

/** Each renderer's resident memory now, in bytes, after resetting its peak. */
export function resetPeaks(pids: readonly number[]): Map<number, number> {
  return new Map(pids.map((pid) => (writeFileSync(`/proc/${pid}/clear_refs`, '5'), [pid, statusKb(pid, 'VmRSS') * 1024])));
}

/**
 * The largest rise of a renderer's peak over its resident memory in `baselines`: the page's own renderer,
 * whichever of the new processes it is (Chromium may start a spare one beside it).
 */
export function peakRise(baselines: ReadonlyMap<number, number>): { pid: number; baselineBytes: number; peakBytes: number } {
  const rises = [...baselines].map(([pid, baselineBytes]) => ({ pid, baselineBytes, peakBytes: statusKb(pid, 'VmHWM') * 1024 }));
  return rises.reduce((a, b) => (b.peakBytes - b.baselineBytes > a.peakBytes - a.baselineBytes ? b : a));
}
