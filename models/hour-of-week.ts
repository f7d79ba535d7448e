import { DateTime } from 'luxon';
import { median } from 'simple-statistics';
import { HOURS_PER_WEEK } from './baseline.ts';
import { HOUR_MS } from './rollup.ts';

/**
 * The UTC hours of a training window, mapped to a principal's time zone. Requests are counted
 * per UTC hour, and each hour is placed in the hour-of-week slot and local calendar day of its
 * start instant. luxon resolves the offset at each instant, so a week that crosses a
 * daylight-saving change puts every hour in the right local slot: the skipped local hour gets no
 * occurrence that week, and the repeated local hour gets two.
 *
 * NOTE: in zones with a half-hour or 45-minute offset, a UTC hour spans two local hours and is
 * counted in the slot of the local hour it starts in.
 */
export interface ZoneHours {
  timeZone: string;
  /** Slot of each UTC hour start that overlaps the window, keyed by its epoch milliseconds. */
  slotByHour: Map<number, number>;
  /** Local calendar day (yyyymmdd) of each UTC hour start in the window. */
  dayByHour: Map<number, number>;
  /** Hour starts of every occurrence of each slot in the window, by slot. */
  occurrences: number[][];
}

/** Returns the hour-of-week slot of an instant in a time zone: 0 is Monday 00:00-00:59. */
export function slotOf(timestampMs: number, timeZone: string): number {
  const local = DateTime.fromMillis(timestampMs, { zone: timeZone });
  return (local.weekday - 1) * 24 + local.hour;
}

function localDayOf(timestampMs: number, timeZone: string): number {
  const local = DateTime.fromMillis(timestampMs, { zone: timeZone });
  return local.year * 10_000 + local.month * 100 + local.day;
}

/** Maps every UTC hour that overlaps `[windowStartMs, windowEndMs)` to its local slot and day. */
export function zoneHours(timeZone: string, windowStartMs: number, windowEndMs: number): ZoneHours {
  const hours: ZoneHours = {
    timeZone,
    slotByHour: new Map(),
    dayByHour: new Map(),
    occurrences: Array.from({ length: HOURS_PER_WEEK }, () => []),
  };
  const first = Math.floor(windowStartMs / HOUR_MS) * HOUR_MS;
  for (let hourMs = first; hourMs < windowEndMs; hourMs += HOUR_MS) {
    const slot = slotOf(hourMs, timeZone);
    hours.slotByHour.set(hourMs, slot);
    hours.dayByHour.set(hourMs, localDayOf(hourMs, timeZone));
    hours.occurrences[slot]!.push(hourMs);
  }
  return hours;
}

function slotFor(hourMs: number, hours: ZoneHours): number {
  return hours.slotByHour.get(hourMs) ?? slotOf(hourMs, hours.timeZone);
}

/** Returns the requests per slot, summed over the window. */
export function hourOfWeekCounts(
  hourCounts: ReadonlyMap<number, number>,
  hours: ZoneHours,
): number[] {
  const counts = new Array<number>(HOURS_PER_WEEK).fill(0);
  for (const [hourMs, requests] of hourCounts) counts[slotFor(hourMs, hours)]! += requests;
  return counts;
}

/**
 * Returns the smoothed probability that an active hour falls in each slot: the number of hours
 * with activity in the slot plus `pseudoCount`, over the total. A slot seen in one hour of a
 * four-week window so gets far less weight than a slot active every week, and an idle slot keeps
 * a small non-zero probability. With no activity and no pseudo-count, every slot gets 1/168.
 */
export function hourOfWeekProbability(
  hourCounts: ReadonlyMap<number, number>,
  hours: ZoneHours,
  pseudoCount: number,
): number[] {
  const active = new Array<number>(HOURS_PER_WEEK).fill(0);
  for (const hourMs of hourCounts.keys()) active[slotFor(hourMs, hours)]! += 1;

  const total = hourCounts.size + pseudoCount * HOURS_PER_WEEK;
  if (total === 0) return new Array<number>(HOURS_PER_WEEK).fill(1 / HOURS_PER_WEEK);
  return active.map((n) => (n + pseudoCount) / total);
}

/** Returns the median requests in one hour of each slot, over the slot's occurrences in the window. */
export function expectedPerHourOfWeek(
  hourCounts: ReadonlyMap<number, number>,
  hours: ZoneHours,
): number[] {
  return hours.occurrences.map((starts) => {
    if (starts.length === 0) return 0;
    return median(starts.map((hourMs) => hourCounts.get(hourMs) ?? 0));
  });
}

/** Returns the number of distinct local calendar days with at least one request. */
export function activeDays(hourCounts: ReadonlyMap<number, number>, hours: ZoneHours): number {
  const days = new Set<number>();
  for (const hourMs of hourCounts.keys()) {
    days.add(hours.dayByHour.get(hourMs) ?? localDayOf(hourMs, hours.timeZone));
  }
  return days.size;
}
