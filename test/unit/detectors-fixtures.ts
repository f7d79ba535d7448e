import { HOURS_PER_WEEK, type PrincipalBaseline, type RobustStats } from '../../models/baseline.ts';
import type { AccessEvent } from '../../schemas/access-event.ts';
import { ContextBuilder } from '../../detectors/context.ts';
import type { Detector } from '../../detectors/detector.ts';
import type { Finding } from '../../detectors/finding.ts';
import { PrincipalState } from '../../detectors/state.ts';
import type { PeerGroupPrior } from '../../models/baseline.ts';

/** Monday 2026-03-02 10:00 UTC, inside the fixture principal's working hours. */
export const MONDAY_10 = Date.UTC(2026, 2, 2, 10, 0, 0);
export const HOUR_MS = 3_600_000;
export const MINUTE_MS = 60_000;

export function stats(median: number, mad: number): RobustStats {
  return {
    median,
    mad,
    p95: median + 2 * mad,
    p99: median + 3 * mad,
    max: median + 4 * mad,
    samples: 500,
  };
}

/**
 * Smoothed hour-of-week profile as training writes it: `counts` active hours per slot plus a
 * pseudo-count of 0.5 per slot.
 */
export function hourProfile(activeSlot: (slot: number) => number): number[] {
  const counts = Array.from({ length: HOURS_PER_WEEK }, (_, slot) => activeSlot(slot));
  const total = counts.reduce((a, b) => a + b, 0) + 0.5 * HOURS_PER_WEEK;
  return counts.map((n) => (n + 0.5) / total);
}

/** Active two weeks in each weekday hour from 08:00 to 17:59. */
export const WORKING_HOURS = hourProfile((slot) => {
  const day = Math.floor(slot / 24);
  const hour = slot % 24;
  return day < 5 && hour >= 8 && hour < 18 ? 2 : 0;
});

const seen = (key: string, count = 100) => ({
  key,
  count,
  firstSeenMs: MONDAY_10 - 14 * 24 * HOUR_MS,
  lastSeenMs: MONDAY_10 - HOUR_MS,
});

/** Builds the baseline of a mature billing service: two routes, one network, working hours. */
export function billingBaseline(overrides: Partial<PrincipalBaseline> = {}): PrincipalBaseline {
  return {
    principal: 'billing-bot',
    version: 3,
    trainedAtMs: MONDAY_10 - HOUR_MS,
    windowStartMs: MONDAY_10 - 14 * 24 * HOUR_MS,
    windowEndMs: MONDAY_10 - HOUR_MS,
    timeZone: 'UTC',
    eventCount: 20_000,
    activeDays: 10,
    mature: true,
    fromPeerPrior: false,
    routes: [
      {
        ...seen('GET api.corp /v1/invoices/{id}'),
        method: 'GET',
        host: 'api.corp',
        route: '/v1/invoices/{id}',
      },
      {
        ...seen('POST api.corp /v1/invoices'),
        method: 'POST',
        host: 'api.corp',
        route: '/v1/invoices',
      },
    ],
    hosts: [seen('api.corp')],
    methods: [seen('GET'), seen('POST')],
    networks: [seen('10.1.2.0/24')],
    sourceIps: [seen('10.1.2.7')],
    userAgents: [seen('billing-bot/1.4')],
    credentials: [seen('cred-1')],
    hourOfWeekCounts: new Array<number>(HOURS_PER_WEEK).fill(0),
    hourOfWeekProbability: WORKING_HOURS,
    expectedPerHourOfWeek: new Array<number>(HOURS_PER_WEEK).fill(0),
    ratePerMinute: stats(4, 1),
    ratePerHour: stats(200, 30),
    breadthPerWindow: stats(10, 2),
    routesPerWindow: stats(2, 0),
    bytesOutPerWindow: stats(200_000, 40_000),
    errorRatios: { unauthorized: 0, forbidden: 0, notFound: 0.01, serverError: 0 },
    peer: { group: 1, distance: 0.2, groupMedianDistance: 0.25, groupSize: 12 },
    ...overrides,
  };
}

export function billingPrior(): PeerGroupPrior {
  return {
    group: 1,
    members: 12,
    ratePerMinute: stats(5, 2),
    breadthPerWindow: stats(12, 3),
    routesPerWindow: stats(3, 1),
    bytesOutPerWindow: stats(300_000, 50_000),
    errorRatios: { unauthorized: 0, forbidden: 0, notFound: 0.02, serverError: 0 },
    hourOfWeekProbability: WORKING_HOURS,
  };
}

let sequence = 0;

/** Builds a request of the billing service at Monday 10:00 from its usual address. */
export function billingEvent(overrides: Partial<AccessEvent> = {}): AccessEvent {
  sequence += 1;
  return {
    id: `e${sequence}`,
    timestamp: MONDAY_10,
    principal: 'billing-bot',
    credential: 'cred-1',
    sourceIp: '10.1.2.7',
    userAgent: 'billing-bot/1.4',
    method: 'GET',
    host: 'api.corp',
    path: '/v1/invoices/1001',
    route: '/v1/invoices/{id}',
    status: 200,
    bytesIn: 0,
    bytesOut: 2_000,
    durationMs: 12,
    proxy: 'envoy',
    topic: 't',
    partition: 0,
    offset: sequence,
    ...overrides,
  };
}

export const TEST_LIMITS = {
  windowMs: 5 * MINUTE_MS,
  allowedLatenessMs: MINUTE_MS,
  maxDistinctPerWindow: 512,
  maxNovelValues: 64,
  maxRecentNetworks: 8,
};

/**
 * Feeds events through one detector the way the scorer does (state first, then evaluate) and
 * returns what it reported for each event.
 */
export function runDetector(
  detector: Detector,
  events: AccessEvent[],
  options: { baseline?: PrincipalBaseline | undefined; prior?: PeerGroupPrior | undefined } = {},
): (Finding | undefined)[] {
  const baseline = 'baseline' in options ? options.baseline : billingBaseline();
  const state = new PrincipalState('billing-bot', TEST_LIMITS);
  const contexts = new ContextBuilder();
  return events.map((event) => {
    const context = contexts.build(event.sourceIp, event.timestamp, baseline?.timeZone ?? 'UTC');
    state.add(event, context.network);
    return detector.evaluate({ event, context, baseline, prior: options.prior, state });
  });
}

/** `count` events one second apart starting at `startMs`, built by `build(i)`. */
export function burst(
  count: number,
  startMs: number,
  build: (i: number) => Partial<AccessEvent> = () => ({}),
): AccessEvent[] {
  return Array.from({ length: count }, (_, i) =>
    billingEvent({ timestamp: startMs + i * 1000, ...build(i) }),
  );
}
