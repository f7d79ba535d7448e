import { HOURS_PER_WEEK } from '../models/baseline.ts';
import type { DetectorsConfig } from './config.ts';
import { clampScore, type Detector, type DetectorInput } from './detector.ts';
import { buildFinding } from './build-finding.ts';
import { lookupFor } from './lookup.ts';
import type { Finding } from './finding.ts';

type IdleHourThresholds = DetectorsConfig['idleHour'];

/**
 * Activity in an hour of the week in which the principal is normally idle, in its own time
 * zone. The probability of an hour blends the hour-of-week profile with the hour-of-day
 * profile (`hourOfDayWeight`), so two weeks of history are enough to know that 14:00 is normal
 * on a Thursday when it was normal on every other day. The largest probability within
 * `toleranceHours` of the event counts, so a schedule kept in UTC that moves by an hour at a
 * daylight-saving change stays normal. Immature principals are judged by the peer prior's
 * profile at half the score; principals with neither are not judged.
 */
export function createIdleHourDetector(thresholds: IdleHourThresholds): Detector {
  return {
    name: 'idle-hour',
    family: 'time',
    thresholds,
    evaluate(input: DetectorInput): Finding | undefined {
      if (!thresholds.enabled) return undefined;
      const profile = profileFor(input);
      if (!profile) return undefined;

      const probability = tolerantProbability(profile, input.context.hourOfWeek, thresholds);
      if (probability >= thresholds.idleProbability) return undefined;

      const closeness = 1 - probability / thresholds.idleProbability;
      const score = clampScore(thresholds.maxScore * closeness * profile.weight);
      if (score === 0) return undefined;

      const { event, context } = input;
      const explanation =
        `${event.principal} was active at ${context.localHourLabel}, an hour in which it is ` +
        `normally idle (probability ${probability.toFixed(4)} against ` +
        `${(1 / HOURS_PER_WEEK).toFixed(4)} for an average hour); check who held the credential.`;
      return buildFinding('idle-hour', input, score, explanation, {
        hourOfWeek: context.hourOfWeek,
        localHour: context.localHourLabel,
        probability: Math.round(probability * 1e6) / 1e6,
        idleProbability: thresholds.idleProbability,
        fromPeerPrior: profile.fromPrior,
      });
    },
  };
}

interface HourProfile {
  hourOfWeek: number[];
  hourOfDay: number[];
  weight: number;
  fromPrior: boolean;
}

function profileFor({ baseline, prior }: DetectorInput): HourProfile | undefined {
  if (baseline?.mature) {
    const lookup = lookupFor(baseline);
    return {
      hourOfWeek: baseline.hourOfWeekProbability,
      hourOfDay: lookup.hourOfDayProbability,
      weight: 1,
      fromPrior: false,
    };
  }
  if (!prior) return undefined;
  const hourOfDay = new Array<number>(24).fill(0);
  prior.hourOfWeekProbability.forEach((p, slot) => (hourOfDay[slot % 24]! += p));
  return { hourOfWeek: prior.hourOfWeekProbability, hourOfDay, weight: 0.5, fromPrior: true };
}

/** The largest blended probability within the tolerance around `slot`. */
export function tolerantProbability(
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
