import type { PrincipalBaseline, RobustStats, RouteSeen } from '../../models/baseline.ts';

const EMPTY_STATS: RobustStats = { median: 0, mad: 0, p95: 0, p99: 0, max: 0, samples: 0 };

/** Builds a route entry of a baseline, seen once a minute from 2026-01-05T00:01Z. */
export function seen(method: string, host: string, route: string, count: number): RouteSeen {
  const startMs = Date.UTC(2026, 0, 5);
  return {
    key: `${method} ${host} ${route}`,
    method,
    host,
    route,
    count,
    firstSeenMs: startMs + 60_000,
    lastSeenMs: startMs + count * 60_000,
  };
}

/** Builds a complete baseline whose only meaningful part is its route list. */
export function baselineWith(
  principal: string,
  routes: RouteSeen[],
  version = 7,
): PrincipalBaseline {
  return {
    principal,
    version,
    trainedAtMs: Date.UTC(2026, 0, 19),
    windowStartMs: Date.UTC(2026, 0, 5),
    windowEndMs: Date.UTC(2026, 0, 19),
    timeZone: 'UTC',
    eventCount: routes.reduce((sum, r) => sum + r.count, 0),
    activeDays: 14,
    mature: true,
    fromPeerPrior: false,
    routes,
    hosts: [],
    methods: [],
    networks: [],
    sourceIps: [],
    userAgents: [],
    credentials: [],
    hourOfWeekCounts: new Array<number>(168).fill(0),
    hourOfWeekProbability: new Array<number>(168).fill(1 / 168),
    expectedPerHourOfWeek: new Array<number>(168).fill(0),
    ratePerMinute: EMPTY_STATS,
    ratePerHour: EMPTY_STATS,
    breadthPerWindow: EMPTY_STATS,
    routesPerWindow: EMPTY_STATS,
    bytesOutPerWindow: EMPTY_STATS,
    errorRatios: { unauthorized: 0, forbidden: 0, notFound: 0, serverError: 0 },
  };
}

/** Builds the chat-bot's baseline: it reads the wiki and tickets, and comments on tickets. */
export function chatbotBaseline(): PrincipalBaseline {
  return baselineWith('svc-chatbot', [
    seen('GET', 'wiki.corp', '/rest/api/content/{id}', 120),
    seen('GET', 'wiki.corp', '/rest/api/search', 40),
    seen('GET', 'tickets.corp', '/issue/{id}', 60),
    seen('POST', 'tickets.corp', '/issue/{id}/comment', 12),
    seen('GET', 'tickets.corp', '/admin/export', 2),
  ]);
}
