import { describe, expect, it } from 'vitest';
import { median, percentile, summarize } from './stats.js';

describe('percentile', () => {
  it('interpolates between the closest ranks like numpy', () => {
    expect(percentile([1, 2, 3, 4], 50)).toBe(2.5);
    expect(percentile([10, 20, 30, 40, 50], 95)).toBeCloseTo(48);
    expect(percentile([4, 1, 3, 2], 0)).toBe(1);
    expect(percentile([4, 1, 3, 2], 100)).toBe(4);
  });

  it('does not reorder its input', () => {
    const values = [3, 1, 2];
    median(values);
    expect(values).toEqual([3, 1, 2]);
  });

  it('rejects an empty series and out-of-range percentiles', () => {
    expect(() => percentile([], 50)).toThrow('empty');
    expect(() => percentile([1], 101)).toThrow('[0, 100]');
  });
});

describe('summarize', () => {
  it('gives count, median, p95 and extremes', () => {
    expect(summarize([5, 1, 4, 2, 3])).toEqual({ runs: 5, p50: 3, p95: 4.8, min: 1, max: 5 });
  });
});
