import { describe, expect, it } from 'vitest';
import { trainConfigSchema, timeZoneFor } from '../../models/config.ts';
import { trainFromEvents } from '../../models/train-memory.ts';
import { accessEvent } from './models-fixtures.ts';

const DAY_MS = 86_400_000;
const MONDAY_MS = Date.UTC(2026, 2, 2);
const NOW_MS = MONDAY_MS + 28 * DAY_MS;
const config = trainConfigSchema.parse({ minActiveDays: 2, minEvents: 4, maxSeenValues: 2 });

function train(events: ReturnType<typeof accessEvent>[], options = {}) {
  return trainFromEvents(events, config, { nowMs: NOW_MS, version: 7, ...options });
}

describe('trainFromEvents', () => {
  it('skips events without a principal', () => {
    const result = train([accessEvent({ principal: '', timestamp: MONDAY_MS })]);
    expect(result.baselines.size).toBe(0);
    expect(result.priors).toEqual([]);
  });

  it('counts a repeated event once', () => {
    const event = accessEvent({ timestamp: MONDAY_MS, id: 'same' });
    const baseline = train([event, { ...event }, { ...event, id: 'other' }]).baselines.get(
      'svc-a',
    )!;
    expect(baseline.eventCount).toBe(2);
  });

  it('keeps the window half-open', () => {
    const windowStartMs = MONDAY_MS;
    const windowEndMs = MONDAY_MS + DAY_MS;
    const events = [
      accessEvent({ timestamp: windowStartMs - 1, id: 'before' }),
      accessEvent({ timestamp: windowStartMs, id: 'first' }),
      accessEvent({ timestamp: windowEndMs - 1, id: 'last' }),
      accessEvent({ timestamp: windowEndMs, id: 'after' }),
    ];
    const result = train(events, { windowStartMs, windowEndMs });
    const baseline = result.baselines.get('svc-a')!;
    expect(baseline.eventCount).toBe(2);
    expect(baseline.windowStartMs).toBe(windowStartMs);
    expect(baseline.windowEndMs).toBe(windowEndMs);
  });

  it('defaults the window to the configured days', () => {
    const baseline = train([accessEvent({ timestamp: NOW_MS - 1 })]).baselines.get('svc-a')!;
    expect(baseline.windowEndMs).toBe(NOW_MS);
    expect(baseline.windowStartMs).toBe(NOW_MS - 30 * DAY_MS);
    expect(baseline.trainedAtMs).toBe(NOW_MS);
    expect(baseline.version).toBe(7);
  });

  it('leaves out excluded ranges', () => {
    const events = [
      accessEvent({ timestamp: MONDAY_MS + 1000, id: 'inside-start' }),
      accessEvent({ timestamp: MONDAY_MS + 2000, id: 'inside-end' }),
      accessEvent({ timestamp: MONDAY_MS + 3000, id: 'outside' }),
      accessEvent({ principal: 'svc-b', timestamp: MONDAY_MS + 1500, id: 'other-principal' }),
    ];
    const excluded = new Map([['svc-a', [{ startMs: MONDAY_MS + 1000, endMs: MONDAY_MS + 2000 }]]]);
    const result = train(events, { excluded });
    expect(result.baselines.get('svc-a')!.eventCount).toBe(1);
    expect(result.baselines.get('svc-b')!.eventCount).toBe(1);
  });

  it('computes error ratios', () => {
    const statuses = [200, 200, 401, 403, 404, 404, 500, 503, 302, 200];
    const events = statuses.map((status, i) => accessEvent({ timestamp: MONDAY_MS + i, status }));
    const baseline = train(events).baselines.get('svc-a')!;
    expect(baseline.errorRatios).toEqual({
      unauthorized: 0.1,
      forbidden: 0.1,
      notFound: 0.2,
      serverError: 0.2,
    });
  });

  it('caps seen values by count then key', () => {
    const hosts = ['c.corp', 'b.corp', 'a.corp', 'c.corp', 'b.corp', 'd.corp'];
    const events = hosts.map((host, i) => accessEvent({ timestamp: MONDAY_MS + i * 1000, host }));
    const baseline = train(events).baselines.get('svc-a')!;
    expect(baseline.hosts).toEqual([
      { key: 'b.corp', count: 2, firstSeenMs: MONDAY_MS + 1000, lastSeenMs: MONDAY_MS + 4000 },
      { key: 'c.corp', count: 2, firstSeenMs: MONDAY_MS, lastSeenMs: MONDAY_MS + 3000 },
    ]);
  });

  it('keys routes by method, host and route', () => {
    const baseline = train([accessEvent({ timestamp: MONDAY_MS })]).baselines.get('svc-a')!;
    expect(baseline.routes).toEqual([
      {
        key: 'GET wiki.corp /rest/api/content/{id}',
        count: 1,
        firstSeenMs: MONDAY_MS,
        lastSeenMs: MONDAY_MS,
        method: 'GET',
        host: 'wiki.corp',
        route: '/rest/api/content/{id}',
      },
    ]);
  });

  it('measures rates and windows', () => {
    // Minute 0: three requests; minute 1: one; minute 10 (second window): two.
    const offsetsMs = [0, 10_000, 20_000, 60_000, 600_000, 601_000];
    const events = offsetsMs.map((offset, i) =>
      accessEvent({
        timestamp: MONDAY_MS + offset,
        path: `/item/${i % 2}`,
        bytesOut: 100 * (i + 1),
      }),
    );
    const baseline = train(events).baselines.get('svc-a')!;

    expect(baseline.ratePerMinute.median).toBe(2);
    expect(baseline.ratePerMinute.max).toBe(3);
    expect(baseline.ratePerMinute.samples).toBe(3);
    expect(baseline.ratePerHour).toEqual({ median: 6, mad: 0, p95: 6, p99: 6, max: 6, samples: 1 });
    // Windows: paths {0, 1} and bytes 100+200+300+400; paths {0, 1} and bytes 500+600.
    expect(baseline.breadthPerWindow.median).toBe(2);
    expect(baseline.routesPerWindow.median).toBe(1);
    expect(baseline.bytesOutPerWindow.median).toBe(1050);
    expect(baseline.bytesOutPerWindow.samples).toBe(2);
  });

  it('marks maturity by days and events', () => {
    const events = [0, 1, 2, 3].map((i) => accessEvent({ timestamp: MONDAY_MS + i * 3_600_000 }));
    const oneDay = train(events).baselines.get('svc-a')!;
    expect(oneDay.activeDays).toBe(1);
    expect(oneDay.mature).toBe(false);

    const twoDays = [...events, accessEvent({ timestamp: MONDAY_MS + DAY_MS })];
    const mature = train(twoDays).baselines.get('svc-a')!;
    expect(mature.activeDays).toBe(2);
    expect(mature.mature).toBe(true);
    expect(mature.fromPeerPrior).toBe(false);
  });

  it('gives immature principals the prior', () => {
    const steady = [0, 1, 2, 3, 4, 5].map((day) =>
      accessEvent({ principal: 'svc-steady', timestamp: MONDAY_MS + day * DAY_MS, bytesOut: 400 }),
    );
    const young = accessEvent({ principal: 'svc-young', timestamp: MONDAY_MS, bytesOut: 9000 });
    const result = train([...steady, young]);
    const baseline = result.baselines.get('svc-young')!;

    expect(baseline.mature).toBe(false);
    expect(baseline.fromPeerPrior).toBe(true);
    expect(baseline.bytesOutPerWindow.median).toBe(400);
    expect(baseline.eventCount).toBe(1);
    expect(baseline.hosts.map((h) => h.key)).toEqual(['wiki.corp']);
    expect(result.priors.map((p) => p.group)).toEqual([0, -1]);
  });

  it('uses the principal time zone', () => {
    const zoned = trainConfigSchema.parse({ timeZones: { 'svc-a': 'Asia/Tokyo' } });
    // Monday 00:00 UTC is Monday 09:00 in Tokyo.
    const result = trainFromEvents([accessEvent({ timestamp: MONDAY_MS })], zoned, {
      nowMs: NOW_MS,
      version: 1,
    });
    const baseline = result.baselines.get('svc-a')!;
    expect(baseline.timeZone).toBe('Asia/Tokyo');
    expect(baseline.hourOfWeekCounts[9]).toBe(1);
    expect(baseline.hourOfWeekCounts[0]).toBe(0);
  });
});

describe('timeZoneFor', () => {
  const zoned = trainConfigSchema.parse({
    timeZone: 'Europe/London',
    timeZones: {
      'bot-*': 'America/New_York',
      'bot-eu-*': 'Europe/Berlin',
      'bot-eu-1': 'Asia/Tokyo',
    },
  });

  it('prefers the exact name', () => {
    expect(timeZoneFor('bot-eu-1', zoned)).toBe('Asia/Tokyo');
  });

  it('prefers the longest prefix', () => {
    expect(timeZoneFor('bot-eu-2', zoned)).toBe('Europe/Berlin');
    expect(timeZoneFor('bot-us-1', zoned)).toBe('America/New_York');
  });

  it('falls back to the default', () => {
    expect(timeZoneFor('svc-a', zoned)).toBe('Europe/London');
  });

  it('rejects an unknown zone', () => {
    expect(() => trainConfigSchema.parse({ timeZone: 'Mars/Olympus' })).toThrow(/IANA time zone/);
  });
});
