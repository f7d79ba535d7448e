import type { PeerGroupPrior, PrincipalBaseline } from './baseline.ts';
import { buildBaseline } from './build.ts';
import { timeZoneFor, type TrainConfig } from './config.ts';
import { zoneHours, type ZoneHours } from './hour-of-week.ts';
import { assignPeerGroups } from './peers.ts';
import { applyPrior, buildPriors, priorFor } from './prior.ts';
import type { PrincipalRollup } from './rollup.ts';

export interface TrainingWindow {
  version: number;
  trainedAtMs: number;
  windowStartMs: number;
  windowEndMs: number;
}

export interface TrainResult {
  baselines: Map<string, PrincipalBaseline>;
  priors: PeerGroupPrior[];
}

/**
 * Turns rollups into baselines, the step both training paths share: each principal's own
 * statistics ({@link buildOwnBaselines}), then peer groups and priors over all of them
 * ({@link groupAndApplyPriors}).
 */
export function finishTraining(
  rollups: Iterable<PrincipalRollup>,
  config: TrainConfig,
  window: TrainingWindow,
): TrainResult {
  return groupAndApplyPriors(buildOwnBaselines(rollups, config, window), config);
}

/** Computes each principal's own baseline. Pass the same `hoursByZone` across batches of one run. */
export function buildOwnBaselines(
  rollups: Iterable<PrincipalRollup>,
  config: TrainConfig,
  window: TrainingWindow,
  hoursByZone: Map<string, ZoneHours> = new Map(),
): PrincipalBaseline[] {
  const own: PrincipalBaseline[] = [];
  for (const rollup of rollups) {
    const zone = timeZoneFor(rollup.principal, config);
    let hours = hoursByZone.get(zone);
    if (hours === undefined) {
      hours = zoneHours(zone, window.windowStartMs, window.windowEndMs);
      hoursByZone.set(zone, hours);
    }
    own.push(buildBaseline(rollup, { ...window, hours, config }));
  }
  return own;
}

/**
 * Assigns peer groups over all baselines, builds the priors, and puts the group's prior in place
 * of the statistics of every immature principal.
 */
export function groupAndApplyPriors(own: PrincipalBaseline[], config: TrainConfig): TrainResult {
  const { assignments } = assignPeerGroups(own, {
    maxPeerGroups: config.maxPeerGroups,
    seed: config.peerSeed,
  });
  const grouped = own.map((baseline) => {
    const peer = assignments.get(baseline.principal);
    return peer === undefined ? baseline : { ...baseline, peer };
  });
  const priors = buildPriors(grouped);

  const baselines = new Map<string, PrincipalBaseline>();
  for (const baseline of grouped) {
    const prior = baseline.mature ? undefined : priorFor(priors, baseline);
    baselines.set(baseline.principal, prior === undefined ? baseline : applyPrior(baseline, prior));
  }
  return { baselines, priors };
}
