import type { NoveltyThresholds } from './config.ts';
import type { Detector } from './detector.ts';
import { createNoveltyDetector } from './novelty.ts';

/** A source network (IPv4 /24, IPv6 /64) the principal has never called from. */
export function createNewNetworkDetector(
  thresholds: NoveltyThresholds,
  windowMs: number,
): Detector {
  return createNoveltyDetector(
    {
      name: 'new-network',
      family: 'source',
      noun: 'source network',
      valueOf: ({ context }) => context.network,
      known: (lookup) => lookup.networks,
    },
    thresholds,
    windowMs,
  );
}
