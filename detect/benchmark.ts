import { combinedModel } from './combined.ts';
import { buildDataset, type Dataset, type DatasetOptions } from './dataset.ts';
import { firstSeenRule } from './first-seen.ts';
import { hourlyVolumeZScore } from './hourly-zscore.ts';
import type { DetectionMethod } from './method.ts';
import {
  backgroundPrincipalDays,
  computeMetrics,
  populationMetrics,
  principalDaysByPopulation,
  type PopulationMetrics,
  type RunMetrics,
} from './metrics.ts';
import { MINUTE_MS } from './timeline.ts';

/** An attack counts as detected when alerted within this time of its first malicious event. */
export const DETECT_WITHIN_MS = 5 * MINUTE_MS;
/** Alerts up to this long after an attack's last event still belong to it: the risk window. */
export const ATTACK_GRACE_MS = 15 * MINUTE_MS;
/** Alerts a responder reviews per UTC day, highest score first. */
export const ALERT_BUDGET_PER_DAY = 5;

export const SERVICE_POPULATION = 'generated service accounts';
export const APACHE_POPULATION = 'real Apache clients';

export interface BenchmarkOptions extends DatasetOptions {
  budgetPerDay?: number;
}

export interface MethodResult {
  method: string;
  metrics: RunMetrics;
  /** The background's false alerts, split into generated service accounts and Apache clients. */
  populations: PopulationMetrics[];
  scoreMs: number;
}

export interface BenchmarkResult {
  dataset: Omit<Dataset, 'events'> & { events: number; scoredEvents: number };
  backgroundPrincipalDays: number;
  budgetPerDay: number;
  buildMs: number;
  methods: MethodResult[];
}

/** Builds the labelled dataset once and scores it with the combined model and both peers. */
export function runDetectionBenchmark(options: BenchmarkOptions): BenchmarkResult {
  const builtAtMs = Date.now();
  const dataset = buildDataset(options);
  const buildMs = Date.now() - builtAtMs;
  const { learnUntilMs } = dataset.timeline;
  const principalDays = backgroundPrincipalDays(dataset.events, learnUntilMs, dataset.labels);
  const budgetPerDay = options.budgetPerDay ?? ALERT_BUDGET_PER_DAY;
  const services = new Set(Object.keys(dataset.timeZones));
  const populationOf = (principal: string): string =>
    services.has(principal) ? SERVICE_POPULATION : APACHE_POPULATION;
  const daysByPopulation = principalDaysByPopulation(
    dataset.events,
    learnUntilMs,
    dataset.labels,
    populationOf,
  );

  const methods: DetectionMethod[] = [
    combinedModel(dataset.timeZones),
    firstSeenRule(),
    hourlyVolumeZScore(),
  ];
  const results = methods.map((method) => {
    const startedMs = Date.now();
    const alerts = method.run(dataset.events, learnUntilMs);
    const scoreMs = Date.now() - startedMs;
    const metrics = computeMetrics(alerts, dataset.labels, {
      detectWithinMs: DETECT_WITHIN_MS,
      graceMs: ATTACK_GRACE_MS,
      budgetPerDay,
      backgroundPrincipalDays: principalDays,
      graded: method.graded,
    });
    const populations = populationMetrics(
      alerts,
      daysByPopulation,
      dataset.labels,
      populationOf,
      method.graded,
    );
    return { method: method.name, metrics, populations, scoreMs };
  });

  const { events, ...rest } = dataset;
  const scoredEvents = events.filter((e) => e.timestamp >= learnUntilMs).length;
  return {
    dataset: { ...rest, events: events.length, scoredEvents },
    backgroundPrincipalDays: principalDays,
    budgetPerDay,
    buildMs,
    methods: results,
  };
}
