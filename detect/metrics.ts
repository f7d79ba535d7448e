import { severityRank } from '../detectors/risk.ts';
import type { MethodAlert } from './method.ts';
import type { ScenarioKind, ScenarioLabel } from './scenario.ts';
import { utcDay } from './timeline.ts';

/**
 * Metrics of one method over one labelled run. Definitions:
 *
 * - An alert is true when it is on an attack's target between its first malicious event and
 *   `graceMs` after its last one. Every other alert is false.
 * - An attack instance is detected when a true alert of severity `medium` or higher (any alert,
 *   for a method without severities) comes within `detectWithinMs` of the first malicious event.
 *   Time to detect is from the first malicious event to the first true alert.
 * - A false high is an alert of severity `high` or `critical` that is not true.
 * - Background is every principal that no scenario targets; its false alerts are counted per
 *   1,000 principal-days, a principal-day being a principal with at least one request on a UTC
 *   day of the scoring period.
 * - The alert budget is the `budgetPerDay` alerts of each UTC day with the highest score (ties:
 *   earlier first); an attack counts as found within budget when one of its true alerts is in it.
 */
export interface MetricsOptions {
  detectWithinMs: number;
  graceMs: number;
  budgetPerDay: number;
  backgroundPrincipalDays: number;
  /** False for a method without severities: every alert counts, and false highs are undefined. */
  graded: boolean;
}

export interface ScenarioMetrics {
  scenario: string;
  kind: ScenarioKind;
  instances: number;
  /** Attacks detected within `detectWithinMs`; 0 for benign scenarios. */
  detected: number;
  /** detected / instances for attacks; undefined for benign scenarios. */
  recall: number | undefined;
  /** True alerts / alerts on the scenario's targets; undefined when there were none. */
  precision: number | undefined;
  /** Alerts on the targets: in the scoring period for attacks, in the window for benign changes. */
  alerts: number;
  /** High or critical alerts on benign targets in the window; undefined without severities. */
  falseHigh: number | undefined;
  medianTimeToDetectMs: number | undefined;
  /** Attacks found within the alert budget. */
  withinBudget: number;
}

export interface OverallMetrics {
  attackInstances: number;
  detected: number;
  recall: number;
  precision: number | undefined;
  alerts: number;
  trueAlerts: number;
  backgroundFalseAlerts: number;
  falseAlertsPer1000PrincipalDays: number;
  /** undefined for a method without severities. */
  backgroundFalseHigh: number | undefined;
  falseHighPer1000PrincipalDays: number | undefined;
  recallAtBudget: number;
  medianTimeToDetectMs: number | undefined;
}

export interface RunMetrics {
  scenarios: ScenarioMetrics[];
  overall: OverallMetrics;
}

const isHigh = (alert: MethodAlert): boolean =>
  severityRank(alert.severity) >= severityRank('high');

/** Computes every metric of one method's alerts against the labels. */
export function computeMetrics(
  alerts: readonly MethodAlert[],
  labels: readonly ScenarioLabel[],
  options: MetricsOptions,
): RunMetrics {
  const hasSeverity = options.graded;
  const isTrue = (alert: MethodAlert): boolean =>
    labels.some((label) => coversAttack(label, alert, options.graceMs));
  const budget = withinBudget(alerts, options.budgetPerDay);
  const outcomes = labels.map((label) => attackOutcome(label, alerts, budget, options));

  const names = [...new Set(labels.map((l) => l.scenario))];
  const scenarios = names.map((name) =>
    scenarioMetrics(name, labels, alerts, outcomes, isTrue, hasSeverity),
  );
  return {
    scenarios,
    overall: overallMetrics(labels, alerts, outcomes, isTrue, hasSeverity, options),
  };
}

function coversAttack(label: ScenarioLabel, alert: MethodAlert, graceMs: number): boolean {
  return (
    label.kind === 'attack' &&
    alert.principal === label.principal &&
    alert.timestampMs >= label.startMs &&
    alert.timestampMs <= label.endMs + graceMs
  );
}

interface AttackOutcome {
  label: ScenarioLabel;
  detected: boolean;
  timeToDetectMs: number | undefined;
  withinBudget: boolean;
}

function attackOutcome(
  label: ScenarioLabel,
  alerts: readonly MethodAlert[],
  budget: ReadonlySet<MethodAlert>,
  options: MetricsOptions,
): AttackOutcome {
  const hits = alerts.filter((a) => coversAttack(label, a, options.graceMs));
  const first = hits.reduce<number | undefined>(
    (earliest, a) =>
      earliest === undefined || a.timestampMs < earliest ? a.timestampMs : earliest,
    undefined,
  );
  const detected = hits.some(
    (a) =>
      a.timestampMs - label.startMs <= options.detectWithinMs &&
      (a.severity === undefined || severityRank(a.severity) >= severityRank('medium')),
  );
  return {
    label,
    detected,
    timeToDetectMs: first === undefined ? undefined : first - label.startMs,
    withinBudget: hits.some((a) => budget.has(a)),
  };
}

function scenarioMetrics(
  name: string,
  labels: readonly ScenarioLabel[],
  alerts: readonly MethodAlert[],
  outcomes: readonly AttackOutcome[],
  isTrue: (alert: MethodAlert) => boolean,
  hasSeverity: boolean,
): ScenarioMetrics {
  const own = labels.filter((l) => l.scenario === name);
  const kind = own[0]!.kind;
  const targets = new Set(own.map((l) => l.principal));
  const onTargets = alerts.filter((a) =>
    kind === 'attack'
      ? targets.has(a.principal)
      : own.some(
          (l) =>
            l.principal === a.principal && a.timestampMs >= l.startMs && a.timestampMs <= l.endMs,
        ),
  );
  const ownOutcomes = outcomes.filter(
    (o) => o.label.scenario === name && o.label.kind === 'attack',
  );
  const detected = ownOutcomes.filter((o) => o.detected).length;
  const trueAlerts = onTargets.filter(isTrue).length;

  return {
    scenario: name,
    kind,
    instances: own.length,
    detected,
    recall: kind === 'attack' ? detected / own.length : undefined,
    precision:
      kind === 'attack' && onTargets.length > 0 ? trueAlerts / onTargets.length : undefined,
    alerts: onTargets.length,
    falseHigh: kind === 'benign' && hasSeverity ? onTargets.filter(isHigh).length : undefined,
    medianTimeToDetectMs: medianOf(ownOutcomes.map((o) => o.timeToDetectMs)),
    withinBudget: ownOutcomes.filter((o) => o.withinBudget).length,
  };
}

function overallMetrics(
  labels: readonly ScenarioLabel[],
  alerts: readonly MethodAlert[],
  outcomes: readonly AttackOutcome[],
  isTrue: (alert: MethodAlert) => boolean,
  hasSeverity: boolean,
  options: MetricsOptions,
): OverallMetrics {
  const attacks = outcomes.filter((o) => o.label.kind === 'attack');
  const targets = new Set(labels.map((l) => l.principal));
  const background = alerts.filter((a) => !targets.has(a.principal));
  const trueAlerts = alerts.filter(isTrue).length;
  const perThousand = (n: number): number =>
    options.backgroundPrincipalDays > 0 ? (1000 * n) / options.backgroundPrincipalDays : 0;
  const backgroundHigh = background.filter(isHigh).length;

  return {
    attackInstances: attacks.length,
    detected: attacks.filter((o) => o.detected).length,
    recall: attacks.length > 0 ? attacks.filter((o) => o.detected).length / attacks.length : 0,
    precision: alerts.length > 0 ? trueAlerts / alerts.length : undefined,
    alerts: alerts.length,
    trueAlerts,
    backgroundFalseAlerts: background.length,
    falseAlertsPer1000PrincipalDays: perThousand(background.length),
    backgroundFalseHigh: hasSeverity ? backgroundHigh : undefined,
    falseHighPer1000PrincipalDays: hasSeverity ? perThousand(backgroundHigh) : undefined,
    recallAtBudget:
      attacks.length > 0 ? attacks.filter((o) => o.withinBudget).length / attacks.length : 0,
    medianTimeToDetectMs: medianOf(attacks.map((o) => o.timeToDetectMs)),
  };
}

/** Returns the alerts inside the daily budget: the top `perDay` of each UTC day by score. */
export function withinBudget(alerts: readonly MethodAlert[], perDay: number): Set<MethodAlert> {
  const byDay = new Map<number, MethodAlert[]>();
  for (const alert of alerts) {
    const day = utcDay(alert.timestampMs);
    const list = byDay.get(day);
    if (list) list.push(alert);
    else byDay.set(day, [alert]);
  }
  const inBudget = new Set<MethodAlert>();
  for (const list of byDay.values()) {
    list.sort((a, b) => b.score - a.score || a.timestampMs - b.timestampMs);
    for (const alert of list.slice(0, perDay)) inBudget.add(alert);
  }
  return inBudget;
}

/** Median of the defined values; undefined when there are none. */
export function medianOf(values: readonly (number | undefined)[]): number | undefined {
  const defined = values.filter((v): v is number => v !== undefined).sort((a, b) => a - b);
  if (defined.length === 0) return undefined;
  const mid = Math.floor(defined.length / 2);
  return defined.length % 2 ? defined[mid]! : (defined[mid - 1]! + defined[mid]!) / 2;
}

/** Counts principal-days of background: principals no label targets, active on a UTC day. */
export function backgroundPrincipalDays(
  events: readonly { principal: string; timestamp: number }[],
  fromMs: number,
  labels: readonly ScenarioLabel[],
): number {
  const targets = new Set(labels.map((l) => l.principal));
  const days = new Set<string>();
  for (const event of events) {
    if (event.timestamp < fromMs || event.principal === '' || targets.has(event.principal))
      continue;
    days.add(`${event.principal}\n${utcDay(event.timestamp)}`);
  }
  return days.size;
}

/** False alerts of one part of the background, such as the generated service accounts. */
export interface PopulationMetrics {
  population: string;
  principalDays: number;
  falseAlerts: number;
  /** undefined for a method without severities. */
  falseHigh: number | undefined;
}

/**
 * Splits the background's false alerts by population: `populationOf` names the population of
 * a principal, and principal-days are counted per population as in `backgroundPrincipalDays`.
 */
export function populationMetrics(
  alerts: readonly MethodAlert[],
  principalDays: ReadonlyMap<string, number>,
  labels: readonly ScenarioLabel[],
  populationOf: (principal: string) => string,
  graded: boolean,
): PopulationMetrics[] {
  const targets = new Set(labels.map((l) => l.principal));
  return [...principalDays].map(([population, days]) => {
    const own = alerts.filter(
      (a) => !targets.has(a.principal) && populationOf(a.principal) === population,
    );
    return {
      population,
      principalDays: days,
      falseAlerts: own.length,
      falseHigh: graded ? own.filter(isHigh).length : undefined,
    };
  });
}

/** Counts background principal-days per population. */
export function principalDaysByPopulation(
  events: readonly { principal: string; timestamp: number }[],
  fromMs: number,
  labels: readonly ScenarioLabel[],
  populationOf: (principal: string) => string,
): Map<string, number> {
  const targets = new Set(labels.map((l) => l.principal));
  const days = new Map<string, Set<string>>();
  for (const event of events) {
    if (event.timestamp < fromMs || event.principal === '' || targets.has(event.principal))
      continue;
    const population = populationOf(event.principal);
    let set = days.get(population);
    if (!set) days.set(population, (set = new Set()));
    set.add(`${event.principal}\n${utcDay(event.timestamp)}`);
  }
  return new Map([...days].map(([population, set]) => [population, set.size]));
}
