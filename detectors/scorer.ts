import { createHash } from 'node:crypto';
import type { Alert } from '../alerts/alert.ts';
import type { PeerGroupPrior, PrincipalBaseline } from '../models/baseline.ts';
import { priorFor } from '../models/prior.ts';
import type { AccessEvent } from '../schemas/access-event.ts';
import type { ScoreConfig } from './config.ts';
import { ContextBuilder } from './context.ts';
import type { Detector, DetectorFamily, DetectorInput } from './detector.ts';
import type { Finding } from './finding.ts';
import { createDetectors } from './registry.ts';
import { assessRisk, severityRank, type RiskAssessment } from './risk.ts';
import { PrincipalState, type StateLimits } from './state.ts';

/** The models the scorer judges against: one baseline version and its peer-group priors. */
export interface BaselineSet {
  version: number;
  baselines: ReadonlyMap<string, PrincipalBaseline>;
  priors: readonly PeerGroupPrior[];
}

/** Anything that accepts alerts, such as the alert pipeline or a JSON-lines file. */
export interface AlertSink {
  submit(alert: Alert): Promise<void>;
}

export interface ScorerOptions {
  config: ScoreConfig;
  baselines: BaselineSet;
  /** Detectors to run; the built-in set from `config` by default. */
  detectors?: Detector[];
  /** Time zone for principals without a baseline; UTC by default. */
  defaultTimeZone?: string;
}

/** Counters of one scorer since it was created. */
export interface ScorerCounters {
  events: number;
  skippedNoPrincipal: number;
  lateEvents: number;
  findings: number;
  alerts: number;
  evictedPrincipals: number;
}

/**
 * Scores events one at a time, in event time, per principal. `process` is synchronous and
 * returns the alert the event raised, if any, so the caller decides how to deliver it.
 *
 * An alert is emitted when the risk of the principal's findings within the risk window reaches
 * `risk.alertMinSeverity`, and again only when the set of detectors or the severity changes.
 * The episode ends when every finding has left the window.
 */
export class Scorer {
  readonly counters: ScorerCounters = {
    events: 0,
    skippedNoPrincipal: 0,
    lateEvents: 0,
    findings: 0,
    alerts: 0,
    evictedPrincipals: 0,
  };

  readonly #config: ScoreConfig;
  readonly #detectors: Detector[];
  readonly #families: Map<string, DetectorFamily>;
  readonly #limits: StateLimits;
  readonly #states = new Map<string, PrincipalState>();
  readonly #context = new ContextBuilder();
  readonly #defaultTimeZone: string;
  #baselines: BaselineSet;
  #input: DetectorInput = {} as DetectorInput;
  /** Prior per baseline (and for principals without one), looked up once per baseline set. */
  #priors = new WeakMap<PrincipalBaseline, PeerGroupPrior | null>();
  #unseenPrior: PeerGroupPrior | null | undefined;

  constructor(options: ScorerOptions) {
    this.#config = options.config;
    this.#detectors = options.detectors ?? createDetectors(options.config);
    this.#families = new Map(this.#detectors.map((d) => [d.name, d.family]));
    this.#baselines = options.baselines;
    this.#defaultTimeZone = options.defaultTimeZone ?? 'UTC';
    this.#limits = {
      windowMs: options.config.windowMs,
      allowedLatenessMs: options.config.allowedLatenessMs,
      maxDistinctPerWindow: options.config.maxDistinctPerWindow,
      maxNovelValues: options.config.maxNovelValues,
      maxRecentNetworks: options.config.maxRecentNetworks,
    };
  }

  get baselineVersion(): number {
    return this.#baselines.version;
  }

  get trackedPrincipals(): number {
    return this.#states.size;
  }

  /**
   * Switches to a new baseline version. Principals whose baseline changed forget the new values
   * they saw, because the new baseline may contain them.
   */
  setBaselines(next: BaselineSet): void {
    const previous = this.#baselines;
    this.#baselines = next;
    this.#priors = new WeakMap();
    this.#unseenPrior = undefined;
    for (const [principal, state] of this.#states) {
      if (previous.baselines.get(principal) !== next.baselines.get(principal)) state.clearNovel();
    }
  }

  /** Returns the state of a principal, if the scorer has one. */
  stateOf(principal: string): PrincipalState | undefined {
    return this.#states.get(principal);
  }

  /** Drops the state of principals, for partitions this instance no longer owns. */
  forget(principals: Iterable<string>): void {
    for (const principal of principals) this.#states.delete(principal);
  }

  /** Scores one event and returns the alert it raised, if any. */
  process(event: AccessEvent): Alert | undefined {
    if (event.principal === '') {
      this.counters.skippedNoPrincipal += 1;
      return undefined;
    }
    this.counters.events += 1;

    const state = this.#stateFor(event.principal, event.timestamp);
    const baseline = this.#baselines.baselines.get(event.principal);
    const prior = this.#priorFor(baseline);
    const timeZone = baseline?.timeZone ?? this.#defaultTimeZone;
    const context = this.#context.build(event.sourceIp, event.timestamp, timeZone);
    if (!state.add(event, context.network)) this.counters.lateEvents += 1;

    let changed = this.#expireFindings(state);
    // One input object, refilled per event: detectors read it during `evaluate` only.
    const input = this.#input;
    input.event = event;
    input.context = context;
    input.baseline = baseline;
    input.prior = prior;
    input.state = state;
    for (const detector of this.#detectors) {
      const finding = detector.evaluate(input);
      if (finding && this.#keepFinding(state, finding)) changed = true;
    }
    if (state.findings.size === 0) state.lastAlertKey = '';
    return changed ? this.#alertFor(state, event, baseline) : undefined;
  }

  #priorFor(baseline: PrincipalBaseline | undefined): PeerGroupPrior | undefined {
    if (!baseline) {
      if (this.#unseenPrior === undefined) {
        this.#unseenPrior = priorFor(this.#baselines.priors) ?? null;
      }
      return this.#unseenPrior ?? undefined;
    }
    let prior = this.#priors.get(baseline);
    if (prior === undefined) {
      prior = priorFor(this.#baselines.priors, baseline) ?? null;
      this.#priors.set(baseline, prior);
    }
    return prior ?? undefined;
  }

  #stateFor(principal: string, timestampMs: number): PrincipalState {
    const existing = this.#states.get(principal);
    if (existing) return existing;

    const state = new PrincipalState(principal, this.#limits);
    this.#states.set(principal, state);
    if (this.#states.size > this.#config.maxPrincipals) this.#evictOne(timestampMs);
    return state;
  }

  /**
   * Drops the least recently active principal, approximately: the map is in first-seen order,
   * so entries are taken from its front, and one active within the risk window is moved to the
   * back instead (at most eight times per eviction). Reordering on every event would cost a
   * delete and an insert per event.
   */
  #evictOne(newestMs: number): void {
    for (let attempt = 0; attempt < 8; attempt++) {
      const oldest = this.#states.entries().next();
      if (oldest.done) return;
      const [principal, state] = oldest.value;
      this.#states.delete(principal);
      const recent = state.watermarkMs > newestMs - this.#config.risk.windowMs;
      if (attempt < 7 && recent && this.#states.size > 0) {
        this.#states.set(principal, state);
        continue;
      }
      this.counters.evictedPrincipals += 1;
      return;
    }
  }

  /** Removes findings older than the risk window; returns true when any was removed. */
  #expireFindings(state: PrincipalState): boolean {
    if (state.findings.size === 0) return false;
    const cutoffMs = state.watermarkMs - this.#config.risk.windowMs;
    let removed = false;
    for (const [detector, finding] of state.findings) {
      if (finding.timestampMs < cutoffMs) {
        state.findings.delete(detector);
        removed = true;
      }
    }
    return removed;
  }

  /** Keeps the strongest finding per detector; returns true when the finding was kept. */
  #keepFinding(state: PrincipalState, finding: Finding): boolean {
    this.counters.findings += 1;
    const existing = state.findings.get(finding.detector);
    if (existing && existing.score >= finding.score) return false;
    state.findings.set(finding.detector, finding);
    return true;
  }

  #alertFor(
    state: PrincipalState,
    event: AccessEvent,
    baseline: PrincipalBaseline | undefined,
  ): Alert | undefined {
    const assessment = assessRisk(
      state.findings.values(),
      (d) => this.#families.get(d) ?? 'policy',
      this.#config.risk,
      { mature: baseline?.mature === true },
    );
    if (severityRank(assessment.severity) < severityRank(this.#config.risk.alertMinSeverity)) {
      return undefined;
    }

    const detectors = assessment.findings.map((f) => f.detector).sort();
    const key = `${detectors.join(',')}|${assessment.severity}`;
    if (key === state.lastAlertKey) return undefined;
    state.lastAlertKey = key;

    this.counters.alerts += 1;
    return buildAlert(state, event, baseline, assessment, detectors);
  }
}

function buildAlert(
  state: PrincipalState,
  event: AccessEvent,
  baseline: PrincipalBaseline | undefined,
  assessment: RiskAssessment,
  detectors: string[],
): Alert {
  const windowStartMs = Math.min(...assessment.findings.map((f) => f.timestampMs));
  return {
    id: alertId(event.principal, detectors, windowStartMs),
    timestamp: event.timestamp,
    principal: event.principal,
    credential: state.credential,
    severity: assessment.severity ?? 'low',
    risk: assessment.risk,
    windowStartMs,
    windowEndMs: event.timestamp,
    baselineVersion: baseline?.version ?? 0,
    findings: assessment.findings,
    // Only the addresses active in the alert's window: the owner's usual addresses from hours
    // before would point a responder at the wrong caller.
    sourceIps: state.sourceIpsSince(windowStartMs),
  };
}

/**
 * Computes the stable id of an alert: a SHA-256 of principal, sorted detector names and window
 * start. A replay of the same events gives the same ids, so the alert store can deduplicate.
 */
export function alertId(principal: string, detectors: string[], windowStartMs: number): string {
  const text = `${principal}\n${[...detectors].sort().join(',')}\n${windowStartMs}`;
  return createHash('sha256').update(text).digest('hex').slice(0, 32);
}
