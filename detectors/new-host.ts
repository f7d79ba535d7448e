import type { NoveltyThresholds } from './config.ts';
import type { Detector } from './detector.ts';
import { createNoveltyDetector } from './novelty.ts';

/** A destination host the principal has never called; events without a host are skipped. */
export function createNewHostDetector(thresholds: NoveltyThresholds, windowMs: number): Detector {
  return createNoveltyDetector(
    {
      name: 'new-host',
      family: 'destination',
      noun: 'destination host',
      valueOf: ({ event }) => event.host,
      known: (lookup) => lookup.hosts,
    },
    thresholds,
    windowMs,
  );
}
