import type { NoveltyThresholds } from './config.ts';
import type { Detector } from './detector.ts';
import { routeKey } from './lookup.ts';
import { createNoveltyDetector } from './novelty.ts';

/** A route (method, host and templated path) the principal has never called. */
export function createNewRouteDetector(thresholds: NoveltyThresholds, windowMs: number): Detector {
  return createNoveltyDetector(
    {
      name: 'new-route',
      family: 'destination',
      noun: 'route',
      valueOf: ({ event }) => (event.route ? routeKey(event.method, event.host, event.route) : ''),
      known: (lookup) => lookup.routes,
    },
    thresholds,
    windowMs,
  );
}
