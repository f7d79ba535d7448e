import { mean, standardDeviation } from 'simple-statistics';
import { firstIndexAtOrAfter, type DetectionMethod, type MethodAlert } from './method.ts';
import { HOUR_MS } from './timeline.ts';

/** z above which an hour's volume alerts. */
export const Z_THRESHOLD = 3;

/**
 * Per-principal volume z-score alone: the history gives each principal the mean and standard
 * deviation of its requests per UTC clock hour, counting every hour from its first request to
 * the end of the history, idle hours as 0. While scoring, an alert is raised once per principal
 * and clock hour when the hour's running count reaches z > 3. A principal the history does not
 * contain is not judged.
 *
 * NOTE: the standard deviation is floored at one request, so a principal with a perfectly
 * constant history is not alerted for a single extra request.
 */
export function hourlyVolumeZScore(): DetectionMethod {
  return {
    name: 'volume z-score',
    graded: false,
    run(events, learnUntilMs) {
      const split = firstIndexAtOrAfter(events, learnUntilMs);
      const stats = hourlyStats(events.slice(0, split), learnUntilMs);
      const current = new Map<string, { hour: number; count: number; alerted: boolean }>();
      const alerts: MethodAlert[] = [];

      for (let i = split; i < events.length; i++) {
        const event = events[i]!;
        const baseline = stats.get(event.principal);
        if (!baseline) continue;
        const hour = Math.floor(event.timestamp / HOUR_MS);
        let slot = current.get(event.principal);
        if (!slot || slot.hour !== hour) {
          slot = { hour, count: 0, alerted: false };
          current.set(event.principal, slot);
        }
        slot.count += 1;
        const z = (slot.count - baseline.mean) / baseline.deviation;
        if (z <= Z_THRESHOLD || slot.alerted) continue;
        slot.alerted = true;
        alerts.push({
          principal: event.principal,
          timestampMs: event.timestamp,
          score: z,
          severity: undefined,
        });
      }
      return alerts;
    },
  };
}

interface HourlyStats {
  mean: number;
  deviation: number;
}

/** Mean and standard deviation of requests per clock hour, per principal, zeros included. */
export function hourlyStats(
  history: readonly { principal: string; timestamp: number }[],
  learnUntilMs: number,
): Map<string, HourlyStats> {
  const counts = new Map<string, Map<number, number>>();
  for (const event of history) {
    if (event.principal === '') continue;
    const hour = Math.floor(event.timestamp / HOUR_MS);
    let hours = counts.get(event.principal);
    if (!hours) counts.set(event.principal, (hours = new Map<number, number>()));
    hours.set(hour, (hours.get(hour) ?? 0) + 1);
  }

  const endHour = Math.ceil(learnUntilMs / HOUR_MS);
  const result = new Map<string, HourlyStats>();
  for (const [principal, hours] of counts) {
    const firstHour = Math.min(...hours.keys());
    const series = Array.from(
      { length: endHour - firstHour },
      (_, i) => hours.get(firstHour + i) ?? 0,
    );
    const deviation = series.length > 1 ? standardDeviation(series) : 0;
    result.set(principal, { mean: mean(series), deviation: Math.max(1, deviation) });
  }
  return result;
}
