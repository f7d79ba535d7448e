import type { AccessEvent } from '../schemas/access-event.ts';

/**
 * The per-principal aggregates a baseline is computed from. Training from ClickHouse reads them
 * with aggregate queries, and training from events in memory accumulates them. Both paths then
 * share one function that turns a rollup into a baseline, so they give the same result.
 */
export interface SeenAggregate {
  key: string;
  count: number;
  firstSeenMs: number;
  lastSeenMs: number;
}

export interface RouteAggregate extends SeenAggregate {
  method: string;
  host: string;
  route: string;
}

/** Five-minute windows with at least one request, as parallel arrays in no particular order. */
export interface WindowAggregates {
  distinctPaths: number[];
  distinctRoutes: number[];
  bytesOut: number[];
}

export interface ErrorCounts {
  unauthorized: number;
  forbidden: number;
  notFound: number;
  serverError: number;
}

export interface PrincipalRollup {
  principal: string;
  eventCount: number;
  errors: ErrorCounts;
  /** Requests per UTC hour, keyed by the hour's start in epoch milliseconds. */
  hourCounts: Map<number, number>;
  /** Requests in one UTC minute mapped to the number of minutes with that many requests. */
  minuteHistogram: Map<number, number>;
  windows: WindowAggregates;
  routes: RouteAggregate[];
  hosts: SeenAggregate[];
  methods: SeenAggregate[];
  /** Every source address, uncapped, because networks are derived from them. */
  sourceIps: SeenAggregate[];
  userAgents: SeenAggregate[];
  credentials: SeenAggregate[];
}

export const MINUTE_MS = 60_000;
export const HOUR_MS = 3_600_000;
export const WINDOW_MS = 300_000;

/** Returns the key of a route: `method host route`. */
export function routeKey(method: string, host: string, route: string): string {
  return `${method} ${host} ${route}`;
}

/** Adds one event to a map of seen values. */
export function addSeen(map: Map<string, SeenAggregate>, key: string, timestampMs: number): void {
  const seen = map.get(key);
  if (seen === undefined) {
    map.set(key, { key, count: 1, firstSeenMs: timestampMs, lastSeenMs: timestampMs });
    return;
  }
  seen.count += 1;
  if (timestampMs < seen.firstSeenMs) seen.firstSeenMs = timestampMs;
  if (timestampMs > seen.lastSeenMs) seen.lastSeenMs = timestampMs;
}

/** Adds the status of one event to the error counts. */
export function addStatus(errors: ErrorCounts, status: number): void {
  if (status === 401) errors.unauthorized += 1;
  else if (status === 403) errors.forbidden += 1;
  else if (status === 404) errors.notFound += 1;
  else if (status >= 500 && status <= 599) errors.serverError += 1;
}

export type { AccessEvent };
