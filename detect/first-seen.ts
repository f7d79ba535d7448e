import { ContextBuilder } from '../detectors/context.ts';
import type { AccessEvent } from '../schemas/access-event.ts';
import { firstIndexAtOrAfter, type DetectionMethod, type MethodAlert } from './method.ts';
import { MINUTE_MS } from './timeline.ts';

/** New values within this span add up in the ranking score of a first-seen alert. */
const RANKING_WINDOW_MS = 15 * MINUTE_MS;

/**
 * Returns the first-seen rule alone. It raises an alert whenever a principal known from the
 * history calls a route (`method host route`) or comes from a source network (/24) absent from
 * its history, once per new value. A principal the history does not contain is not judged,
 * because every value is new to it. The ranking score is the number of new values in the last
 * 15 minutes.
 */
export function firstSeenRule(): DetectionMethod {
  return {
    name: 'first-seen rule',
    graded: false,
    run(events, learnUntilMs) {
      const split = firstIndexAtOrAfter(events, learnUntilMs);
      const networks = new ContextBuilder();
      const seen = new Map<string, Set<string>>();
      for (let i = 0; i < split; i++)
        valuesOf(seen, events[i]!.principal).add(routeKey(events[i]!));
      for (let i = 0; i < split; i++) {
        valuesOf(seen, events[i]!.principal).add(networks.network(events[i]!.sourceIp));
      }

      const recent = new Map<string, number[]>();
      const alerts: MethodAlert[] = [];
      for (let i = split; i < events.length; i++) {
        const event = events[i]!;
        const known = seen.get(event.principal);
        if (!known || event.principal === '') continue;
        const fresh = [routeKey(event), networks.network(event.sourceIp)].filter(
          (value) => value !== '' && !known.has(value),
        );
        if (fresh.length === 0) continue;
        for (const value of fresh) known.add(value);
        const score = countRecent(recent, event, fresh.length);
        alerts.push({
          principal: event.principal,
          timestampMs: event.timestamp,
          score,
          severity: undefined,
        });
      }
      return alerts;
    },
  };
}

function routeKey(event: AccessEvent): string {
  return `${event.method} ${event.host} ${event.route}`;
}

function valuesOf(seen: Map<string, Set<string>>, principal: string): Set<string> {
  let values = seen.get(principal);
  if (!values) {
    values = new Set();
    seen.set(principal, values);
  }
  return values;
}

/** Records `count` new values at the event's time; returns the count within the ranking window. */
function countRecent(recent: Map<string, number[]>, event: AccessEvent, count: number): number {
  const times = (recent.get(event.principal) ?? []).filter(
    (ms) => ms > event.timestamp - RANKING_WINDOW_MS,
  );
  for (let i = 0; i < count; i++) times.push(event.timestamp);
  recent.set(event.principal, times);
  return times.length;
}
