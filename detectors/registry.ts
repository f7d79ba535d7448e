import type { ScoreConfig } from './config.ts';
import type { Detector } from './detector.ts';
import { createDormantDetector } from './dormant.ts';
import { createEnumerationDetector } from './enumeration.ts';
import { createErrorBurstDetector } from './error-burst.ts';
import { createIdleHourDetector } from './idle-hour.ts';
import { createNewClientDetector } from './new-client.ts';
import { createNewHostDetector } from './new-host.ts';
import { createNewMethodDetector } from './new-method.ts';
import { createNewNetworkDetector } from './new-network.ts';
import { createNewRouteDetector } from './new-route.ts';
import { createPeerDistanceDetector } from './peer-distance.ts';
import { createResponseBytesDetector } from './response-bytes.ts';
import { createTwoNetworksDetector } from './two-networks.ts';
import { createVolumeDetector } from './volume.ts';

/**
 * Builds the built-in detectors from the `score` section, in evaluation order. Extra
 * detectors (for example an out-of-policy detector) are appended by the caller.
 */
export function createDetectors(config: ScoreConfig): Detector[] {
  const d = config.detectors;
  const riskWindowMs = config.risk.windowMs;
  return [
    createNewRouteDetector(d.newRoute, riskWindowMs),
    createNewHostDetector(d.newHost, riskWindowMs),
    createNewMethodDetector(d.newMethod, riskWindowMs),
    createNewNetworkDetector(d.newNetwork, riskWindowMs),
    createNewClientDetector(d.newClient, riskWindowMs),
    createTwoNetworksDetector(d.twoNetworks),
    createIdleHourDetector(d.idleHour),
    createVolumeDetector('volume-per-minute', 1, d.volumePerMinute),
    createVolumeDetector('volume-per-5-minutes', 5, d.volumePerFiveMinutes),
    createEnumerationDetector('enumeration-paths', d.enumeration),
    createEnumerationDetector('enumeration-routes', d.enumerationRoutes),
    createErrorBurstDetector(d.errorBurst),
    createResponseBytesDetector(d.responseBytes),
    createDormantDetector(d.dormant),
    createPeerDistanceDetector(d.peerDistance),
  ];
}
