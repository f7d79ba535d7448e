import type { NoveltyThresholds } from './config.ts';
import type { Detector } from './detector.ts';
import { hasRoute, routeKey } from './lookup.ts';
import { createNoveltyDetector } from './novelty.ts';

/** Builds the detector of a route (method, host and templated path) never called before. */
export function createNewRouteDetector(thresholds: NoveltyThresholds, windowMs: number): Detector {
  return createNoveltyDetector(
    {
      name: 'new-route',
      family: 'destination',
      noun: 'route',
      valueOf: ({ event }) => (event.route ? routeKey(event.method, event.host, event.route) : ''),
      known: (lookup) => lookup.routes,
      isKnown: ({ event }, lookup) => hasRoute(lookup, event.method, event.host, event.route),
    },
    thresholds,
    windowMs,
  );
}
