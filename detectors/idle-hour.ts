import { HOURS_PER_WEEK } from '../models/baseline.ts';
import type { DetectorsConfig } from './config.ts';
import { clampScore, type Detector, type DetectorInput } from './detector.ts';
import { buildFinding } from './build-finding.ts';
import type { Finding } from './finding.ts';

type IdleHourThresholds = DetectorsConfig['idleHour'];

/**
 * Activity in an hour of the week in which the principal is normally idle, in its own time
 * zone.
 *
 * Training smooths the hour-of-week probabilities with a pseudo-count, so every slot without
 * activity has the same smallest probability. The detector subtracts that floor to get the
 * slot's observed share of active hours. The share blends the hour-of-week profile with the
 * hour-of-day profile (`hourOfDayWeight`), so two weeks of history are enough to know that
 * 14:00 is normal on a Thursday when it was normal on the other days. The largest share within
 * `toleranceHours` of the event counts, so a schedule kept in UTC that moves by an hour at a
 * daylight-saving change stays normal. Immature principals are judged by the peer prior's
 * profile at half the score; principals with neither are not judged.
 */
export function createIdleHourDetector(thresholds: IdleHourThresholds): Detector {
  // Profiles by the probability array they came from; baselines and priors are immutable.
  const caches: ProfileCaches = { own: new WeakMap(), prior: new WeakMap() };
  return {
    name: 'idle-hour',
    family: 'time',
    thresholds,
    evaluate(input: DetectorInput): Finding | undefined {
      if (!thresholds.enabled) return undefined;
      const profile = profileFor(input, thresholds, caches);
      if (!profile) return undefined;

      const share = profile.tolerantShares[input.context.hourOfWeek] ?? 0;
      if (share >= thresholds.idleShare) return undefined;

      const closeness = 1 - share / thresholds.idleShare;
      const score = clampScore(thresholds.maxScore * closeness * profile.weight);
      if (score === 0) return undefined;

      const { event, context } = input;
      const explanation =
        `${event.principal} was active at ${context.localHourLabel}, an hour in which it is ` +
        `normally idle (${(share * 100).toFixed(2)}% of its active hours fall there); ` +
        `check who held the credential.`;
      return buildFinding('idle-hour', input, score, explanation, {
        hourOfWeek: context.hourOfWeek,
        localHour: context.localHourLabel,
        activeShare: Math.round(share * 1e6) / 1e6,
        idleShare: thresholds.idleShare,
        fromPeerPrior: profile.fromPrior,
      });
    },
  };
}

/** Hour profiles with the smoothing floor removed. */
export interface HourProfile {
  /** Observed share of active hours per hour-of-week slot (168 values). */
  hourOfWeek: number[];
  /** Observed share of active hours per hour of the day (24 values). */
  hourOfDay: number[];
  /** {@link activeShare} of every slot, computed once per profile. */
  tolerantShares: Float64Array;
  weight: number;
  fromPrior: boolean;
}

interface ProfileCaches {
  own: WeakMap<number[], HourProfile>;
  prior: WeakMap<number[], HourProfile>;
}

function profileFor(
  { baseline, prior }: DetectorInput,
  thresholds: IdleHourThresholds,
  caches: ProfileCaches,
): HourProfile | undefined {
  if (baseline?.mature) {
    const { hourOfWeekProbability, hourOfWeekCounts } = baseline;
    return cachedProfile(hourOfWeekProbability, hourOfWeekCounts, thresholds, caches.own, false);
  }
  if (!prior) return undefined;
  return cachedProfile(prior.hourOfWeekProbability, undefined, thresholds, caches.prior, true);
}

function cachedProfile(
  probability: number[],
  counts: number[] | undefined,
  thresholds: IdleHourThresholds,
  cache: WeakMap<number[], HourProfile>,
  fromPrior: boolean,
): HourProfile {
  let profile = cache.get(probability);
  if (!profile) {
    const shares = observedShares(probability, counts);
    const tolerantShares = new Float64Array(HOURS_PER_WEEK);
    for (let slot = 0; slot < HOURS_PER_WEEK; slot++) {
      tolerantShares[slot] = activeShare(shares, slot, thresholds);
    }
    profile = { ...shares, tolerantShares, weight: fromPrior ? 0.5 : 1, fromPrior };
    cache.set(probability, profile);
  }
  return profile;
}

/**
 * Removes the pseudo-count floor from a smoothed profile. The floor is the probability of a slot
 * with no activity. With the raw counts at hand it is read off a slot whose count is 0, and is 0
 * when every slot was active, so an account that runs around the clock has no idle hour. Without
 * counts (a peer prior) the smallest probability is used instead.
 */
export function observedShares(
  probability: readonly number[],
  counts?: readonly number[],
): {
  hourOfWeek: number[];
  hourOfDay: number[];
} {
  const floor = smoothingFloor(probability, counts);
  const hourOfWeek = Array.from({ length: HOURS_PER_WEEK }, (_, slot) =>
    Math.max(0, (probability[slot] ?? 0) - floor),
  );
  const hourOfDay = new Array<number>(24).fill(0);
  hourOfWeek.forEach((share, slot) => (hourOfDay[slot % 24]! += share));
  return { hourOfWeek, hourOfDay };
}

function smoothingFloor(probability: readonly number[], counts?: readonly number[]): number {
  if (probability.length !== HOURS_PER_WEEK) return 0;
  const hasCounts = counts?.length === HOURS_PER_WEEK && counts.some((c) => c > 0);
  if (!hasCounts) return Math.min(...probability);

  let floor = Number.POSITIVE_INFINITY;
  for (let slot = 0; slot < HOURS_PER_WEEK; slot++) {
    if (counts[slot] === 0) floor = Math.min(floor, probability[slot] ?? 0);
  }
  return Number.isFinite(floor) ? floor : 0;
}

/** Returns the largest blended share within the tolerance around `slot`. */
export function activeShare(
  profile: Pick<HourProfile, 'hourOfWeek' | 'hourOfDay'>,
  slot: number,
  thresholds: Pick<IdleHourThresholds, 'toleranceHours' | 'hourOfDayWeight'>,
): number {
  const weight = thresholds.hourOfDayWeight;
  let best = 0;
  for (let offset = -thresholds.toleranceHours; offset <= thresholds.toleranceHours; offset++) {
    const s = (slot + offset + HOURS_PER_WEEK) % HOURS_PER_WEEK;
    const weekly = profile.hourOfWeek[s] ?? 0;
    // An hour of the day spreads over seven slots of the week.
    const daily = (profile.hourOfDay[s % 24] ?? 0) / 7;
    best = Math.max(best, (1 - weight) * weekly + weight * daily);
  }
  return best;
}
