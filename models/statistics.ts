import { max, medianAbsoluteDeviation, medianSorted, quantileSorted } from 'simple-statistics';
import type { RobustStats } from './baseline.ts';

/** The summary of no observations: every field zero. */
export const EMPTY_STATS: RobustStats = { median: 0, mad: 0, p95: 0, p99: 0, max: 0, samples: 0 };

/**
 * Summarises observations with simple-statistics: median, unscaled MAD, the 0.95 and 0.99
 * quantiles (`quantileSorted`, linear interpolation at index (n - 1) * p, numpy's default), and
 * the maximum. Returns {@link EMPTY_STATS} for no observations.
 */
export function robustStats(values: readonly number[]): RobustStats {
  if (values.length === 0) return { ...EMPTY_STATS };

  const sorted = Float64Array.from(values).sort();
  const list = Array.from(sorted);
  return {
    median: medianSorted(list),
    mad: medianAbsoluteDeviation(list),
    p95: quantileSorted(list, 0.95),
    p99: quantileSorted(list, 0.99),
    max: max(list),
    samples: list.length,
  };
}

/** Summarises a histogram that maps an observed value to how many times it was observed. */
export function robustStatsFromHistogram(histogram: ReadonlyMap<number, number>): RobustStats {
  const values: number[] = [];
  for (const [value, times] of histogram) {
    for (let i = 0; i < times; i++) values.push(value);
  }
  return robustStats(values);
}
