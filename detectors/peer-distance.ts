import type { DetectorsConfig } from './config.ts';
import { clampScore, type Detector, type DetectorInput } from './detector.ts';
import { buildFinding } from './build-finding.ts';
import type { Finding } from './finding.ts';
import { round2 } from './robust.ts';

type PeerDistanceThresholds = DetectorsConfig['peerDistance'];

const MARKER = 'peer-distance:version';

/**
 * A principal far from its peer group: its distance to the group's centroid is at least
 * `minRatio` times the group's median distance. Reported on the first event scored against
 * each baseline version. The score reaches `maxScore` at twice `minRatio`.
 *
 * NOTE: the distance is the one training computed for the baseline window; the live behaviour
 * vector of the current window is not compared with the centroid yet.
 */
export function createPeerDistanceDetector(thresholds: PeerDistanceThresholds): Detector {
  return {
    name: 'peer-distance',
    family: 'peer',
    thresholds,
    evaluate(input: DetectorInput): Finding | undefined {
      const { baseline, state } = input;
      const peer = baseline?.peer;
      if (!thresholds.enabled || !baseline?.mature || !peer) return undefined;
      if (peer.groupSize < thresholds.minGroupSize || peer.groupMedianDistance <= 0)
        return undefined;
      if (state.markers.get(MARKER) === baseline.version) return undefined;
      state.markers.set(MARKER, baseline.version);

      const ratio = peer.distance / peer.groupMedianDistance;
      if (ratio < thresholds.minRatio) return undefined;

      const score = clampScore((thresholds.maxScore * ratio) / (2 * thresholds.minRatio));
      const explanation =
        `${input.event.principal} behaves unlike its peer group ${peer.group}: its distance ` +
        `${round2(peer.distance)} is ${round2(ratio)} times the group's median ` +
        `${round2(peer.groupMedianDistance)}; review what changed in its traffic.`;
      return buildFinding('peer-distance', input, score, explanation, {
        group: peer.group,
        distance: round2(peer.distance),
        groupMedianDistance: round2(peer.groupMedianDistance),
        ratio: round2(ratio),
        groupSize: peer.groupSize,
      });
    },
  };
}
