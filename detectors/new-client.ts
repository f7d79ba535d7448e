import type { NoveltyThresholds } from './config.ts';
import type { Detector } from './detector.ts';
import { createNoveltyDetector } from './novelty.ts';

/** A client (User-Agent) the principal has never used; events without one are skipped. */
export function createNewClientDetector(thresholds: NoveltyThresholds, windowMs: number): Detector {
  return createNoveltyDetector(
    {
      name: 'new-client',
      family: 'source',
      noun: 'client',
      valueOf: ({ event }) => event.userAgent,
      known: (lookup) => lookup.userAgents,
    },
    thresholds,
    windowMs,
  );
}
