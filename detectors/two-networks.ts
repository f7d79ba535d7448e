import type { DetectorsConfig } from './config.ts';
import type { Detector, DetectorInput } from './detector.ts';
import { buildFinding, listForHumans } from './build-finding.ts';
import { lookupFor } from './lookup.ts';
import type { Finding } from './finding.ts';

type TwoNetworksThresholds = DetectorsConfig['twoNetworks'];

/**
 * One credential used from two or more source networks within `intervalMs`. A principal whose
 * baseline shows a single network is reported for any second network. A principal that
 * normally runs from several networks is reported only when one of them is new to it, because
 * replicas of a service legitimately call from several subnets at once.
 */
export function createTwoNetworksDetector(thresholds: TwoNetworksThresholds): Detector {
  return {
    name: 'two-networks',
    family: 'source',
    thresholds,
    evaluate(input: DetectorInput): Finding | undefined {
      const { baseline, event, state } = input;
      if (!thresholds.enabled || !baseline || !input.context.network) return undefined;

      const sinceMs = event.timestamp - thresholds.intervalMs;
      if (state.countNetworksSince(sinceMs) < 2) return undefined;
      const networks = state.networksSince(sinceMs);

      const known = lookupFor(baseline).networks;
      const unknown = networks.filter((n) => !known.has(n));
      if (known.size > 1 && unknown.length === 0) return undefined;

      const seconds = Math.round(thresholds.intervalMs / 1000);
      const explanation =
        `${event.principal} used one credential from ${networks.length} networks within ` +
        `${seconds} s (${listForHumans(networks)}); the credential may be held by two parties.`;
      return buildFinding('two-networks', input, thresholds.score, explanation, {
        credential: event.credential,
        networks,
        networksNotInBaseline: unknown,
        baselineNetworkCount: known.size,
        intervalMs: thresholds.intervalMs,
      });
    },
  };
}
