import type { NoveltyThresholds } from './config.ts';
import type { Detector } from './detector.ts';
import { createNoveltyDetector } from './novelty.ts';

/** An HTTP method (or API action verb) the principal has never used. */
export function createNewMethodDetector(thresholds: NoveltyThresholds, windowMs: number): Detector {
  return createNoveltyDetector(
    {
      name: 'new-method',
      family: 'destination',
      noun: 'method',
      valueOf: ({ event }) => event.method,
      known: (lookup) => lookup.methods,
    },
    thresholds,
    windowMs,
  );
}
