import type { RobustStats } from '../models/baseline.ts';
import type { RobustThresholds } from './config.ts';
import { clampScore } from './detector.ts';

/** Scales a MAD to a standard deviation for normally distributed data. */
export const MAD_TO_SIGMA = 1.4826;

/**
 * Computes the robust upper limit of a quantity: the largest of median + k * 1.4826 * MAD, the median
 * times `minRatio`, the absolute `floor`, and `ownP99`. The floor keeps a principal that usually
 * sends three requests from being paged for ten. `ownP99`, the 99th percentile of the principal's
 * own windows in training, keeps a burst that recurs in a minority of its windows (a crawler's
 * sweep, a weekly export) from paging every time it comes back.
 */
export function robustThreshold(
  median: number,
  mad: number,
  thresholds: RobustThresholds,
  ownP99 = 0,
): number {
  return Math.max(
    median + thresholds.k * MAD_TO_SIGMA * mad,
    median * thresholds.minRatio,
    thresholds.floor,
    ownP99,
  );
}

/** The 99th percentile of a principal's own windows, or 0 when the stats are not its own. */
export function ownP99(stats: RobustStats, fromOwnBaseline: boolean): number {
  return fromOwnBaseline ? stats.p99 : 0;
}

/** Threshold for a sum of `n` independent periods, each described by `stats`. */
export function robustThresholdForSum(
  stats: Pick<RobustStats, 'median' | 'mad'>,
  n: number,
  thresholds: RobustThresholds,
): number {
  return robustThreshold(stats.median * n, stats.mad * Math.sqrt(n), thresholds);
}

/**
 * Score of a value above its threshold: 0.5 at the threshold, rising linearly to 1 at twice
 * the threshold; 0 at or below it.
 */
export function excessScore(observed: number, threshold: number): number {
  if (threshold <= 0 || observed <= threshold) return 0;
  return clampScore(0.5 + (0.5 * (observed - threshold)) / threshold);
}

/** Rounds a statistic for evidence, so findings stay readable and compare exactly. */
export function round2(value: number): number {
  return Math.round(value * 100) / 100;
}
