import { describe, expect, it } from 'vitest';
import { defaultScoreConfig } from '../../detectors/config.ts';
import { createDormantDetector } from '../../detectors/dormant.ts';
import { createIdleHourDetector, observedShares } from '../../detectors/idle-hour.ts';
import {
  billingBaseline,
  billingEvent,
  billingPrior,
  HOUR_MS,
  MONDAY_10,
  runDetector,
  WORKING_HOURS,
} from './detectors-fixtures.ts';

const config = defaultScoreConfig();
const idleHour = createIdleHourDetector(config.detectors.idleHour);
const WEDNESDAY_03 = MONDAY_10 + 2 * 24 * HOUR_MS - 7 * HOUR_MS;

describe('idle-hour detector', () => {
  it('reports an hour never active', () => {
    const event = billingEvent({ timestamp: WEDNESDAY_03 });
    const [finding] = runDetector(idleHour, [event]);

    expect(finding).toEqual({
      detector: 'idle-hour',
      score: 0.6,
      timestampMs: WEDNESDAY_03,
      explanation:
        'billing-bot was active at Wednesday 03:00-03:59 UTC, an hour in which it is normally ' +
        'idle (0.00% of its active hours fall there); check who held the credential.',
      evidence: {
        hourOfWeek: 51,
        localHour: 'Wednesday 03:00-03:59 UTC',
        activeShare: 0,
        idleShare: 0.0015,
        fromPeerPrior: false,
      },
      eventIds: [event.id],
    });
  });

  it('stays silent in working hours', () => {
    expect(runDetector(idleHour, [billingEvent()])).toEqual([undefined]);
  });

  it('tolerates a one-hour shift', () => {
    const sevenAm = billingEvent({ timestamp: MONDAY_10 - 3 * HOUR_MS });
    expect(runDetector(idleHour, [sevenAm])).toEqual([undefined]);
  });

  it('reports two hours before the routine', () => {
    const sixAm = billingEvent({ timestamp: MONDAY_10 - 4 * HOUR_MS });
    expect(runDetector(idleHour, [sixAm])[0]?.score).toBe(0.6);
  });

  it('accepts a working hour on a weekend day', () => {
    // Saturday 10:00: never active on Saturdays, but 10:00 is active on every weekday.
    const saturday = billingEvent({ timestamp: MONDAY_10 + 5 * 24 * HOUR_MS });
    expect(runDetector(idleHour, [saturday])).toEqual([undefined]);
  });

  it('follows the principal time zone', () => {
    // 03:00 UTC on Wednesday is 12:00 in Tokyo, inside the working-hours profile.
    const baseline = billingBaseline({ timeZone: 'Asia/Tokyo' });
    const [finding] = runDetector(idleHour, [billingEvent({ timestamp: WEDNESDAY_03 })], {
      baseline,
    });
    expect(finding).toBeUndefined();
  });

  it('uses the prior at half score', () => {
    const event = billingEvent({ timestamp: WEDNESDAY_03 });
    const [finding] = runDetector(idleHour, [event], {
      baseline: undefined,
      prior: billingPrior(),
    });

    expect(finding?.score).toBe(0.3);
    expect(finding?.evidence['fromPeerPrior']).toBe(true);
  });

  it('stays silent without baseline or prior', () => {
    const event = billingEvent({ timestamp: WEDNESDAY_03 });
    expect(runDetector(idleHour, [event], { baseline: undefined })).toEqual([undefined]);
  });

  it('removes the smoothing floor', () => {
    const shares = observedShares(WORKING_HOURS);

    expect(shares.hourOfWeek[3]).toBe(0);
    expect(shares.hourOfWeek[10]).toBeCloseTo(2 / 184, 12);
    expect(shares.hourOfDay[10]).toBeCloseTo(10 / 184, 12);
  });
});

describe('idle-hour smoothing floor', () => {
  // Every slot active, the quietest (slot 5) far less than the others.
  const counts: number[] = Array.from({ length: 168 }, (_, slot) => (slot === 5 ? 1 : 20));
  const total = counts.reduce((a, b) => a + b, 0) + 168 * 0.5;
  const probability = counts.map((c) => (c + 0.5) / total);

  it('is zero when every slot was active', () => {
    const shares = observedShares(probability, counts);
    expect(shares.hourOfWeek[5]).toBeCloseTo(1.5 / total, 12);
    expect(shares.hourOfWeek[6]).toBeCloseTo(20.5 / total, 12);
  });

  it('is the probability of a slot without activity', () => {
    const sparse = counts.map((c, slot) => (slot === 7 ? 0 : c));
    const sparseTotal = sparse.reduce((a, b) => a + b, 0) + 168 * 0.5;
    const sparseProbability = sparse.map((c) => (c + 0.5) / sparseTotal);
    const shares = observedShares(sparseProbability, sparse);
    expect(shares.hourOfWeek[7]).toBe(0);
    expect(shares.hourOfWeek[5]).toBeCloseTo(1 / sparseTotal, 12);
  });

  it('leaves an always-on account without idle hours', () => {
    const baseline = billingBaseline({
      hourOfWeekCounts: counts,
      hourOfWeekProbability: probability,
    });
    const quietest = billingEvent({ timestamp: MONDAY_10 - 5 * HOUR_MS });
    expect(runDetector(idleHour, [quietest], { baseline })).toEqual([undefined]);
  });
});

describe('dormant detector', () => {
  const dormant = createDormantDetector(config.detectors.dormant);
  const DAY_MS = 24 * HOUR_MS;

  it('reports the first event after 30 days', () => {
    const later = MONDAY_10 + 31 * DAY_MS;
    const [finding] = runDetector(dormant, [billingEvent({ timestamp: later })]);

    expect(finding?.score).toBe(0.6);
    expect(finding?.evidence).toEqual({
      lastActiveMs: MONDAY_10 - HOUR_MS,
      idleDays: 31,
      dormantAfterMs: 30 * DAY_MS,
    });
    expect(finding?.explanation).toBe(
      'billing-bot is in use again after 31 days without activity (last seen ' +
        '2026-03-02T09:00:00.000Z); confirm its owner revived it.',
    );
  });

  it('stays silent on the next event', () => {
    const later = MONDAY_10 + 31 * DAY_MS;
    const events = [billingEvent({ timestamp: later }), billingEvent({ timestamp: later + 1000 })];

    expect(runDetector(dormant, events)[1]).toBeUndefined();
  });

  it('stays silent for an active principal', () => {
    expect(runDetector(dormant, [billingEvent()])).toEqual([undefined]);
  });
});
