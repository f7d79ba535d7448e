import type { DetectorsConfig } from './config.ts';
import type { Detector, DetectorInput } from './detector.ts';
import { buildFinding } from './build-finding.ts';
import { lookupFor } from './lookup.ts';
import type { Finding } from './finding.ts';

type DormantThresholds = DetectorsConfig['dormant'];

const DAY_MS = 24 * 3_600_000;

/**
 * A dormant credential in use again: the first event after at least `dormantAfterMs` without
 * activity, counting both the baseline's last-seen times and events scored since.
 */
export function createDormantDetector(thresholds: DormantThresholds): Detector {
  return {
    name: 'dormant',
    family: 'dormancy',
    thresholds,
    evaluate(input: DetectorInput): Finding | undefined {
      const { baseline, event, state } = input;
      if (!thresholds.enabled || !baseline) return undefined;

      const lastActiveMs = Math.max(state.previousEventMs, lookupFor(baseline).lastSeenMs);
      if (lastActiveMs <= 0) return undefined;
      const idleMs = event.timestamp - lastActiveMs;
      if (idleMs < thresholds.dormantAfterMs) return undefined;

      const days = Math.floor(idleMs / DAY_MS);
      const explanation =
        `${event.principal} is in use again after ${days} days without activity (last seen ` +
        `${new Date(lastActiveMs).toISOString()}); confirm its owner revived it.`;
      return buildFinding('dormant', input, thresholds.score, explanation, {
        lastActiveMs,
        idleDays: days,
        dormantAfterMs: thresholds.dormantAfterMs,
      });
    },
  };
}
