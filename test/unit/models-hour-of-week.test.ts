import { describe, expect, it } from 'vitest';
import { HOURS_PER_WEEK } from '../../models/baseline.ts';
import {
  activeDays,
  expectedPerHourOfWeek,
  hourOfWeekCounts,
  hourOfWeekProbability,
  slotOf,
  zoneHours,
} from '../../models/hour-of-week.ts';

const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;
/** Monday 2026-03-02 00:00 UTC. */
const MONDAY_MS = Date.UTC(2026, 2, 2);

describe('slotOf', () => {
  it('numbers slots from Monday midnight', () => {
    expect(slotOf(MONDAY_MS, 'UTC')).toBe(0);
    expect(slotOf(MONDAY_MS + 6 * DAY_MS + 23 * HOUR_MS + 1_800_000, 'UTC')).toBe(167);
  });

  it('uses the local clock', () => {
    // Monday 00:00 UTC is Sunday 19:00 in New York (EST, UTC-5).
    expect(slotOf(MONDAY_MS, 'America/New_York')).toBe(6 * 24 + 19);
  });
});

describe('zoneHours', () => {
  it('skips the lost hour in New York', () => {
    // Clocks jump from 02:00 EST to 03:00 EDT on Sunday 2026-03-08. The local week from Monday
    // 2026-03-02 00:00 EST (05:00 UTC) to Monday 2026-03-09 00:00 EDT (04:00 UTC) has 167 hours.
    const start = Date.UTC(2026, 2, 2, 5);
    const end = Date.UTC(2026, 2, 9, 4);
    const hours = zoneHours('America/New_York', start, end);
    const sundayTwo = 6 * 24 + 2;

    expect(hours.slotByHour.size).toBe(167);
    expect(hours.occurrences[sundayTwo]).toEqual([]);
    expect(hours.occurrences.filter((o) => o.length === 1)).toHaveLength(167);
    expect(hours.slotByHour.get(Date.UTC(2026, 2, 8, 6))).toBe(6 * 24 + 1);
    expect(hours.slotByHour.get(Date.UTC(2026, 2, 8, 7))).toBe(6 * 24 + 3);
  });

  it('repeats the extra hour in Berlin', () => {
    // Clocks fall back from 03:00 CEST to 02:00 CET on Sunday 2026-10-25. The local week from
    // Monday 2026-10-19 00:00 CEST (18 October 22:00 UTC) to Monday 2026-10-26 00:00 CET
    // (25 October 23:00 UTC) has 169 hours, and Sunday 02:00 occurs twice.
    const start = Date.UTC(2026, 9, 18, 22);
    const end = Date.UTC(2026, 9, 25, 23);
    const hours = zoneHours('Europe/Berlin', start, end);
    const sundayTwo = 6 * 24 + 2;

    expect(hours.slotByHour.size).toBe(169);
    expect(hours.occurrences[sundayTwo]).toEqual([
      Date.UTC(2026, 9, 25, 0),
      Date.UTC(2026, 9, 25, 1),
    ]);
    expect(hours.occurrences[0]).toEqual([start]);
  });

  it('keeps a daily job in its local slot across the change', () => {
    // A job at 09:00 New York time every day runs at 14:00 UTC before the change and at 13:00
    // UTC after it. Both weeks must put it in the 09:00 slots.
    const start = Date.UTC(2026, 2, 2, 5);
    const end = Date.UTC(2026, 2, 16, 4);
    const hours = zoneHours('America/New_York', start, end);
    const counts = new Map<number, number>();
    for (let day = 0; day < 14; day++) {
      const utcHour = day < 6 ? 14 : 13;
      counts.set(Date.UTC(2026, 2, 2 + day, utcHour), 10);
    }
    const perSlot = hourOfWeekCounts(counts, hours);
    const nineOClock = Array.from({ length: 7 }, (_, day) => day * 24 + 9);

    expect(nineOClock.map((slot) => perSlot[slot])).toEqual([20, 20, 20, 20, 20, 20, 20]);
    expect(perSlot.reduce((sum, n) => sum + n, 0)).toBe(140);
    expect(expectedPerHourOfWeek(counts, hours)[9]).toBe(10);
    expect(activeDays(counts, hours)).toBe(14);
  });
});

describe('principal seen in one hour', () => {
  // Five requests on Wednesday 2026-03-04 10:00-10:59 UTC, in a four-week window.
  const hours = zoneHours('UTC', MONDAY_MS, MONDAY_MS + 28 * DAY_MS);
  const counts = new Map([[MONDAY_MS + 2 * DAY_MS + 10 * HOUR_MS, 5]]);
  const wednesdayTen = 2 * 24 + 10;

  it('counts requests in its slot', () => {
    const perSlot = hourOfWeekCounts(counts, hours);
    expect(perSlot[wednesdayTen]).toBe(5);
    expect(perSlot.reduce((sum, n) => sum + n, 0)).toBe(5);
  });

  it('smooths its probability', () => {
    // One active hour plus 0.5 per slot: 1 + 0.5 * 168 = 85 in total.
    const probability = hourOfWeekProbability(counts, hours, 0.5);
    expect(probability[wednesdayTen]).toBeCloseTo(1.5 / 85, 12);
    expect(probability[0]).toBeCloseTo(0.5 / 85, 12);
    expect(probability.reduce((sum, p) => sum + p, 0)).toBeCloseTo(1, 12);
  });

  it('expects nothing from one week in four', () => {
    // The slot occurs four times with 5, 0, 0 and 0 requests: the median is 0.
    expect(hours.occurrences[wednesdayTen]).toHaveLength(4);
    expect(expectedPerHourOfWeek(counts, hours)[wednesdayTen]).toBe(0);
  });

  it('has one active day', () => {
    expect(activeDays(counts, hours)).toBe(1);
  });
});

describe('expectedPerHourOfWeek', () => {
  it('expects a nightly batch at 02:00 only', () => {
    // 100 requests at 02:00 UTC every night for three weeks, except one missed Monday.
    const hours = zoneHours('UTC', MONDAY_MS, MONDAY_MS + 21 * DAY_MS);
    const counts = new Map<number, number>();
    for (let day = 1; day < 21; day++) counts.set(MONDAY_MS + day * DAY_MS + 2 * HOUR_MS, 100);
    const expected = expectedPerHourOfWeek(counts, hours);

    expect(expected[2]).toBe(100);
    expect(expected[14]).toBe(0);
    expect(expected[3 * 24 + 2]).toBe(100);
    expect(expected.filter((n) => n > 0)).toHaveLength(7);
  });

  it('is uniform with no activity and no smoothing', () => {
    const hours = zoneHours('UTC', MONDAY_MS, MONDAY_MS + 7 * DAY_MS);
    const probability = hourOfWeekProbability(new Map(), hours, 0);
    expect(probability).toEqual(new Array<number>(HOURS_PER_WEEK).fill(1 / HOURS_PER_WEEK));
  });
});
