import type { AccessEvent } from '../schemas/access-event.ts';
import {
  addSeen,
  addStatus,
  HOUR_MS,
  MINUTE_MS,
  routeKey,
  WINDOW_MS,
  type PrincipalRollup,
  type RouteAggregate,
  type SeenAggregate,
} from './rollup.ts';

interface WindowState {
  paths: Set<string>;
  routes: Set<string>;
  bytesOut: number;
}

interface PrincipalState {
  /** `timestamp id` of every event taken, so a replayed event counts once (as FINAL does). */
  eventKeys: Set<string>;
  rollup: PrincipalRollup;
  minuteCounts: Map<number, number>;
  windows: Map<number, WindowState>;
  routes: Map<string, RouteAggregate>;
  seen: Record<
    'hosts' | 'methods' | 'sourceIps' | 'userAgents' | 'credentials',
    Map<string, SeenAggregate>
  >;
}

/** The half-open training window `[startMs, endMs)` and the ranges to leave out of it. */
export interface EventFilter {
  windowStartMs: number;
  windowEndMs: number;
  /** Alerted ranges per principal, inclusive at both ends, as the alerts table stores them. */
  excluded?: ReadonlyMap<string, readonly ExcludedRange[]>;
}

export interface ExcludedRange {
  startMs: number;
  endMs: number;
}

/**
 * Accumulates events into per-principal rollups in memory, with the same rules as the ClickHouse
 * queries: events without a principal, outside the window or inside an excluded range are skipped,
 * and an event repeated with the same principal, timestamp and id counts once.
 */
export class RollupAccumulator {
  private readonly states = new Map<string, PrincipalState>();

  constructor(private readonly filter: EventFilter) {}

  add(event: AccessEvent): void {
    if (!this.accepts(event)) return;

    const state = this.stateFor(event.principal);
    const eventKey = `${event.timestamp} ${event.id}`;
    if (state.eventKeys.has(eventKey)) return;
    state.eventKeys.add(eventKey);

    const ts = event.timestamp;
    const rollup = state.rollup;
    rollup.eventCount += 1;
    addStatus(rollup.errors, event.status);
    increment(rollup.hourCounts, Math.floor(ts / HOUR_MS) * HOUR_MS);
    increment(state.minuteCounts, Math.floor(ts / MINUTE_MS));
    this.addWindow(state, event);
    this.addRoute(state, event);

    addSeen(state.seen.hosts, event.host, ts);
    addSeen(state.seen.methods, event.method, ts);
    addSeen(state.seen.sourceIps, event.sourceIp, ts);
    addSeen(state.seen.userAgents, event.userAgent, ts);
    addSeen(state.seen.credentials, event.credential, ts);
  }

  /** Returns the rollups, ordered by principal. */
  finish(): PrincipalRollup[] {
    const principals = [...this.states.keys()].sort();
    return principals.map((principal) => this.finishOne(this.states.get(principal)!));
  }

  private accepts(event: AccessEvent): boolean {
    if (event.principal === '') return false;
    const ts = event.timestamp;
    if (ts < this.filter.windowStartMs || ts >= this.filter.windowEndMs) return false;

    const ranges = this.filter.excluded?.get(event.principal) ?? [];
    return !ranges.some((range) => ts >= range.startMs && ts <= range.endMs);
  }

  private addWindow(state: PrincipalState, event: AccessEvent): void {
    const index = Math.floor(event.timestamp / WINDOW_MS);
    let window = state.windows.get(index);
    if (window === undefined) {
      window = { paths: new Set(), routes: new Set(), bytesOut: 0 };
      state.windows.set(index, window);
    }
    window.paths.add(event.path);
    window.routes.add(event.route);
    window.bytesOut += event.bytesOut;
  }

  private addRoute(state: PrincipalState, event: AccessEvent): void {
    const key = routeKey(event.method, event.host, event.route);
    if (!state.routes.has(key)) {
      const first = { key, count: 0, firstSeenMs: event.timestamp, lastSeenMs: event.timestamp };
      state.routes.set(key, {
        ...first,
        method: event.method,
        host: event.host,
        route: event.route,
      });
    }
    addSeen(state.routes, key, event.timestamp);
  }

  private stateFor(principal: string): PrincipalState {
    let state = this.states.get(principal);
    if (state !== undefined) return state;

    state = {
      eventKeys: new Set(),
      rollup: emptyRollup(principal),
      minuteCounts: new Map(),
      windows: new Map(),
      routes: new Map(),
      seen: {
        hosts: new Map(),
        methods: new Map(),
        sourceIps: new Map(),
        userAgents: new Map(),
        credentials: new Map(),
      },
    };
    this.states.set(principal, state);
    return state;
  }

  private finishOne(state: PrincipalState): PrincipalRollup {
    const rollup = state.rollup;
    for (const count of state.minuteCounts.values()) increment(rollup.minuteHistogram, count);
    for (const window of state.windows.values()) {
      rollup.windows.distinctPaths.push(window.paths.size);
      rollup.windows.distinctRoutes.push(window.routes.size);
      rollup.windows.bytesOut.push(window.bytesOut);
    }
    rollup.routes = [...state.routes.values()];
    rollup.hosts = [...state.seen.hosts.values()];
    rollup.methods = [...state.seen.methods.values()];
    rollup.sourceIps = [...state.seen.sourceIps.values()];
    rollup.userAgents = [...state.seen.userAgents.values()];
    rollup.credentials = [...state.seen.credentials.values()];
    return rollup;
  }
}

export function emptyRollup(principal: string): PrincipalRollup {
  return {
    principal,
    eventCount: 0,
    errors: { unauthorized: 0, forbidden: 0, notFound: 0, serverError: 0 },
    hourCounts: new Map(),
    minuteHistogram: new Map(),
    windows: { distinctPaths: [], distinctRoutes: [], bytesOut: [] },
    routes: [],
    hosts: [],
    methods: [],
    sourceIps: [],
    userAgents: [],
    credentials: [],
  };
}

function increment(map: Map<number, number>, key: number): void {
  map.set(key, (map.get(key) ?? 0) + 1);
}
