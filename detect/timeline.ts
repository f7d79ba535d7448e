/**
 * The benchmark's fixed calendar, in UTC. Six weeks of history train the baselines and three
 * weeks are scored. The scoring period contains the end of summer time in the European Union
 * (Sunday 25 October 2026, 01:00 UTC) and in the United States (Sunday 1 November 2026, 06:00
 * UTC in New York), so principals that keep local business hours cross both transitions.
 */
export const DAY_MS = 86_400_000;
export const HOUR_MS = 3_600_000;
export const MINUTE_MS = 60_000;

export interface Timeline {
  /** First instant of the history, a Monday. */
  startMs: number;
  /** End of training and start of scoring. */
  learnUntilMs: number;
  /** End of scoring, exclusive. */
  endMs: number;
}

export const EU_SUMMER_TIME_END_MS = Date.UTC(2026, 9, 25, 1, 0, 0);
export const US_SUMMER_TIME_END_MS = Date.UTC(2026, 10, 1, 6, 0, 0);

/** Builds the calendar: `historyDays` of training before 19 October 2026, then `scoredDays`. */
export function benchmarkTimeline(historyDays = 42, scoredDays = 21): Timeline {
  const learnUntilMs = Date.UTC(2026, 9, 19, 0, 0, 0);
  return {
    startMs: learnUntilMs - historyDays * DAY_MS,
    learnUntilMs,
    endMs: learnUntilMs + scoredDays * DAY_MS,
  };
}

/** Returns the UTC day number of an instant, the unit of principal-days. */
export function utcDay(timestampMs: number): number {
  return Math.floor(timestampMs / DAY_MS);
}
