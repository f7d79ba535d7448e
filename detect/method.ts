import type { Severity } from '../alerts/alert.ts';
import type { AccessEvent } from '../schemas/access-event.ts';

/** One alert of a detection method, reduced to what the metrics compare. */
export interface MethodAlert {
  principal: string;
  timestampMs: number;
  /** Ranking score within the method: risk for the combined model, the rule's own score else. */
  score: number;
  /** Severity of a graded method; undefined for a rule that only alerts or stays silent. */
  severity: Severity | undefined;
}

/** A detection method: trained on the events before `learnUntilMs`, scoring the rest in order. */
export interface DetectionMethod {
  name: string;
  /** True when alerts carry a severity, so false highs can be counted. */
  graded: boolean;
  /** Trains on `events` before `learnUntilMs` and returns the alerts raised on the rest. */
  run(events: readonly AccessEvent[], learnUntilMs: number): MethodAlert[];
}

/** Index of the first event at or after `timestampMs` in events sorted by time. */
export function firstIndexAtOrAfter(events: readonly AccessEvent[], timestampMs: number): number {
  let low = 0;
  let high = events.length;
  while (low < high) {
    const mid = (low + high) >>> 1;
    if (events[mid]!.timestamp < timestampMs) low = mid + 1;
    else high = mid;
  }
  return low;
}
