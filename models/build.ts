import type { PrincipalBaseline, RouteSeen, SeenValue } from './baseline.ts';
import type { TrainConfig } from './config.ts';
import {
  activeDays,
  expectedPerHourOfWeek,
  hourOfWeekCounts,
  hourOfWeekProbability,
  type ZoneHours,
} from './hour-of-week.ts';
import { networksOf } from './networks.ts';
import type { ErrorCounts, PrincipalRollup, RouteAggregate, SeenAggregate } from './rollup.ts';
import { robustStats, robustStatsFromHistogram } from './statistics.ts';

export interface BuildContext {
  version: number;
  trainedAtMs: number;
  windowStartMs: number;
  windowEndMs: number;
  hours: ZoneHours;
  config: TrainConfig;
}

/** Computes a principal's own baseline from its rollup, before peer groups are assigned. */
export function buildBaseline(rollup: PrincipalRollup, context: BuildContext): PrincipalBaseline {
  const { config, hours } = context;
  const days = activeDays(rollup.hourCounts, hours);
  const cap = config.maxSeenValues;

  return {
    principal: rollup.principal,
    version: context.version,
    trainedAtMs: context.trainedAtMs,
    windowStartMs: context.windowStartMs,
    windowEndMs: context.windowEndMs,
    timeZone: hours.timeZone,
    eventCount: rollup.eventCount,
    activeDays: days,
    mature: days >= config.minActiveDays && rollup.eventCount >= config.minEvents,
    fromPeerPrior: false,

    routes: topRoutes(rollup.routes, cap),
    hosts: topSeen(rollup.hosts, cap),
    methods: topSeen(rollup.methods, cap),
    networks: topSeen(networksOf(rollup.sourceIps), cap),
    sourceIps: topSeen(rollup.sourceIps, cap),
    userAgents: topSeen(rollup.userAgents, cap),
    credentials: topSeen(rollup.credentials, cap),

    hourOfWeekCounts: hourOfWeekCounts(rollup.hourCounts, hours),
    hourOfWeekProbability: hourOfWeekProbability(
      rollup.hourCounts,
      hours,
      config.hourOfWeekPseudoCount,
    ),
    expectedPerHourOfWeek: expectedPerHourOfWeek(rollup.hourCounts, hours),

    ratePerMinute: robustStatsFromHistogram(rollup.minuteHistogram),
    ratePerHour: robustStats([...rollup.hourCounts.values()]),
    breadthPerWindow: robustStats(rollup.windows.distinctPaths),
    routesPerWindow: robustStats(rollup.windows.distinctRoutes),
    bytesOutPerWindow: robustStats(rollup.windows.bytesOut),
    errorRatios: errorRatios(rollup.errors, rollup.eventCount),
  };
}

export function errorRatios(errors: ErrorCounts, events: number): PrincipalBaseline['errorRatios'] {
  const ratio = (n: number): number => (events === 0 ? 0 : n / events);
  return {
    unauthorized: ratio(errors.unauthorized),
    forbidden: ratio(errors.forbidden),
    notFound: ratio(errors.notFound),
    serverError: ratio(errors.serverError),
  };
}

/**
 * Orders seen values by count, largest first, then by key in UTF-8 byte order (the order
 * ClickHouse sorts strings in), so both training paths keep the same entries under the cap.
 */
export function compareSeen(a: SeenAggregate, b: SeenAggregate): number {
  if (a.count !== b.count) return b.count - a.count;
  // UTF-16 order equals UTF-8 byte order for ASCII text, the common case.
  if (!ASCII.test(a.key) || !ASCII.test(b.key)) {
    return Buffer.compare(Buffer.from(a.key), Buffer.from(b.key));
  }
  if (a.key === b.key) return 0;
  return a.key < b.key ? -1 : 1;
}

const ASCII = /^\p{ASCII}*$/u;

function topSeen(values: readonly SeenAggregate[], cap: number): SeenValue[] {
  return [...values]
    .sort(compareSeen)
    .slice(0, cap)
    .map(({ key, count, firstSeenMs, lastSeenMs }) => ({ key, count, firstSeenMs, lastSeenMs }));
}

function topRoutes(values: readonly RouteAggregate[], cap: number): RouteSeen[] {
  return [...values]
    .sort(compareSeen)
    .slice(0, cap)
    .map(({ key, count, firstSeenMs, lastSeenMs, method, host, route }) => ({
      key,
      count,
      firstSeenMs,
      lastSeenMs,
      method,
      host,
      route,
    }));
}
