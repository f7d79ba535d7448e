import type { PeerGroupPrior, PrincipalBaseline } from '../models/baseline.ts';
import type { AccessEvent } from '../schemas/access-event.ts';
import type { Finding } from './finding.ts';
import type { PrincipalState } from './state.ts';

/**
 * Groups of detectors that look at the same aspect of traffic. The risk rule combines the
 * strongest finding of each family, so two detectors that see the same signal (a new network
 * and one credential used from two networks) do not count as independent corroboration.
 */
export const DETECTOR_FAMILIES = [
  'destination',
  'source',
  'time',
  'volume',
  'enumeration',
  'dormancy',
  'peer',
  'policy',
] as const;
export type DetectorFamily = (typeof DETECTOR_FAMILIES)[number];

/** Values derived once per event and shared by every detector. */
export interface EventContext {
  /** Source network: IPv4 /24 or IPv6 /64 in CIDR form; '' when the address does not parse. */
  network: string;
  /** Hour-of-week slot of the event in the baseline's time zone; 0 is Monday 00:00-00:59. */
  hourOfWeek: number;
  /** The local hour for explanations, for example `Wednesday 03:00-03:59 Europe/Berlin`. */
  localHourLabel: string;
}

/**
 * What a detector sees for one event. `state` already contains the event, so window
 * detectors read counts that include it.
 */
export interface DetectorInput {
  event: AccessEvent;
  context: EventContext;
  /** The principal's baseline; undefined for a principal that training has never seen. */
  baseline: PrincipalBaseline | undefined;
  /** The peer-group prior for the principal: its own group, else the global prior. */
  prior: PeerGroupPrior | undefined;
  state: PrincipalState;
}

/**
 * One detector: a name, a family, its thresholds from configuration, and a pure function of
 * (baseline or prior, principal state, event) that returns a finding or nothing.
 *
 * A detector must not keep state of its own: everything it remembers between events lives in
 * `PrincipalState`, so state can be rebuilt after a rebalance. `evaluate` runs for every event
 * and must stay cheap (no I/O, no allocation on the silent path where it can be avoided).
 * `score` in a finding runs from 0 to 1; the risk rule weighs it, so a detector reports how
 * unusual the event is, not how much to worry.
 */
export interface Detector {
  /** Stable kebab-case name, used in alert ids, configuration and documentation. */
  readonly name: string;
  readonly family: DetectorFamily;
  /** The detector's thresholds after configuration defaults, copied into each finding's evidence. */
  readonly thresholds: Readonly<Record<string, number | boolean | string>>;
  evaluate(input: DetectorInput): Finding | undefined;
}

/** Clamps a score into [0, 1] and rounds it to three decimals, so findings compare exactly. */
export function clampScore(score: number): number {
  if (!Number.isFinite(score) || score <= 0) return 0;
  return Math.round(Math.min(1, score) * 1000) / 1000;
}
