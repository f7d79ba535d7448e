import type { RobustStats } from '../models/baseline.ts';
import type { RobustThresholds } from './config.ts';
import type { Detector, DetectorInput } from './detector.ts';
import { buildFinding } from './build-finding.ts';
import type { Finding } from './finding.ts';
import { excessScore, robustThresholdForSum, round2 } from './robust.ts';

/**
 * Builds a detector of request volume far above the principal's usual rate. `minutes` is 1 (the
 * event's minute) or 5 (the detector window). The expected rate per minute is the larger of the
 * baseline's median requests per minute and this hour of the week's expected requests / 60. So a
 * nightly batch is normal at 02:00, and not at 14:00, only where the baseline records it. Without
 * a mature baseline the peer prior's rate is used.
 */
export function createVolumeDetector(
  name: 'volume-per-minute' | 'volume-per-5-minutes',
  minutes: 1 | 5,
  thresholds: RobustThresholds,
): Detector {
  // Refilled per event, so the silent path allocates nothing.
  const expected: RateStats = { median: 0, mad: 0 };
  return {
    name,
    family: 'volume',
    thresholds: { ...thresholds, minutes },
    evaluate(input: DetectorInput): Finding | undefined {
      if (!thresholds.enabled) return undefined;
      const stats = rateStats(input, expected);
      if (!stats) return undefined;

      const observed =
        minutes === 1
          ? input.state.minuteRequests(input.event.timestamp)
          : input.state.windowTotals().requests;
      const threshold = robustThresholdForSum(stats, minutes, thresholds);
      const score = excessScore(observed, threshold);
      if (score === 0) return undefined;

      const { event, context } = input;
      const span = minutes === 1 ? 'one minute' : 'five minutes';
      const explanation =
        `${event.principal} sent ${observed} requests in ${span} at ${context.localHourLabel}, ` +
        `above its limit of ${Math.round(threshold)} (usual median ${round2(stats.median * minutes)}); ` +
        `check for a runaway job or a credential used by someone else.`;
      return buildFinding(name, input, score, explanation, {
        requests: observed,
        threshold: round2(threshold),
        medianPerMinute: round2(stats.median),
        madPerMinute: round2(stats.mad),
        minutes,
        hourOfWeek: context.hourOfWeek,
      });
    },
  };
}

/** Fills `out` with the expected median and MAD per minute for the event's hour of the week. */
function rateStats(
  { baseline, prior, context }: DetectorInput,
  out: RateStats,
): RateStats | undefined {
  if (baseline?.mature) {
    const hourly = baseline.expectedPerHourOfWeek[context.hourOfWeek] ?? 0;
    out.median = Math.max(baseline.ratePerMinute.median, hourly / 60);
    out.mad = baseline.ratePerMinute.mad;
    return out;
  }
  const stats = prior?.ratePerMinute ?? baseline?.ratePerMinute;
  if (!stats) return undefined;
  out.median = stats.median;
  out.mad = stats.mad;
  return out;
}

type RateStats = Pick<RobustStats, 'median' | 'mad'>;
