import { describe, expect, it } from 'vitest';
import { hash32, PrincipalState } from '../../detectors/state.ts';
import { billingEvent, MINUTE_MS, MONDAY_10, TEST_LIMITS } from './detectors-fixtures.ts';

const NETWORK = '10.1.2.0/24';

describe('PrincipalState', () => {
  it('sums the window in event time', () => {
    const state = new PrincipalState('p', TEST_LIMITS);
    state.add(billingEvent({ timestamp: MONDAY_10, status: 401, bytesOut: 10 }), NETWORK);
    state.add(
      billingEvent({ timestamp: MONDAY_10 + 2 * MINUTE_MS, status: 404, bytesOut: 5 }),
      NETWORK,
    );
    state.add(
      billingEvent({ timestamp: MONDAY_10 + 4 * MINUTE_MS, status: 403, path: '/x' }),
      NETWORK,
    );

    expect(state.windowTotals()).toEqual({
      requests: 3,
      bytesOut: 2_015,
      unauthorized: 1,
      forbidden: 1,
      notFound: 1,
      distinctPaths: 2,
      distinctRoutes: 1,
    });
  });

  it('drops minutes that left the window', () => {
    const state = new PrincipalState('p', TEST_LIMITS);
    state.add(billingEvent({ timestamp: MONDAY_10 }), NETWORK);
    state.add(billingEvent({ timestamp: MONDAY_10 + 6 * MINUTE_MS, path: '/y' }), NETWORK);

    expect(state.windowTotals().requests).toBe(1);
    expect(state.windowTotals().distinctPaths).toBe(1);
  });

  it('places a late event in its minute', () => {
    const state = new PrincipalState('p', TEST_LIMITS);
    state.add(billingEvent({ timestamp: MONDAY_10 + MINUTE_MS }), NETWORK);

    expect(state.add(billingEvent({ timestamp: MONDAY_10 + 30_000 }), NETWORK)).toBe(true);
    expect(state.minuteRequests(MONDAY_10)).toBe(1);
    expect(state.watermarkMs).toBe(MONDAY_10 + MINUTE_MS);
  });

  it('rejects an event beyond the lateness', () => {
    const state = new PrincipalState('p', TEST_LIMITS);
    state.add(billingEvent({ timestamp: MONDAY_10 + 2 * MINUTE_MS }), NETWORK);

    expect(state.add(billingEvent({ timestamp: MONDAY_10 }), NETWORK)).toBe(false);
    expect(state.lateEvents).toBe(1);
    expect(state.windowTotals().requests).toBe(1);
  });

  it('saturates distinct paths at the limit', () => {
    const state = new PrincipalState('p', { ...TEST_LIMITS, maxDistinctPerWindow: 4 });
    for (let i = 0; i < 10; i++) state.add(billingEvent({ path: `/p/${i}` }), NETWORK);

    expect(state.windowTotals().distinctPaths).toBe(4);
  });

  it('marks a novel value once', () => {
    const state = new PrincipalState('p', TEST_LIMITS);

    expect(state.markNovel('route', 'GET /a', MONDAY_10)).toBe(true);
    expect(state.markNovel('route', 'GET /a', MONDAY_10 + 1)).toBe(false);
    expect(state.markNovel('network', 'GET /a', MONDAY_10)).toBe(true);
    expect(state.novelSince('route', MONDAY_10)).toEqual(['GET /a']);
  });

  it('bounds novel values', () => {
    const state = new PrincipalState('p', { ...TEST_LIMITS, maxNovelValues: 2 });
    for (const key of ['a', 'b', 'c']) state.markNovel('route', key, MONDAY_10);

    expect(state.novelSince('route', 0)).toEqual(['b', 'c']);
  });

  it('keeps the last eight source addresses', () => {
    const state = new PrincipalState('p', TEST_LIMITS);
    for (let i = 0; i < 10; i++) state.add(billingEvent({ sourceIp: `10.0.0.${i}` }), NETWORK);
    state.add(billingEvent({ sourceIp: '10.0.0.5' }), NETWORK);

    expect(state.recentSourceIps).toEqual([
      '10.0.0.2',
      '10.0.0.3',
      '10.0.0.4',
      '10.0.0.6',
      '10.0.0.7',
      '10.0.0.8',
      '10.0.0.9',
      '10.0.0.5',
    ]);
  });
});

describe('source addresses by time', () => {
  it('lists only addresses seen since a time', () => {
    const state = new PrincipalState('p', TEST_LIMITS);
    state.add(billingEvent({ sourceIp: '10.0.0.1', timestamp: MONDAY_10 }), NETWORK);
    state.add(billingEvent({ sourceIp: '10.0.0.2', timestamp: MONDAY_10 + 60_000 }), NETWORK);
    state.add(billingEvent({ sourceIp: '203.0.113.9', timestamp: MONDAY_10 + 120_000 }), NETWORK);
    state.add(billingEvent({ sourceIp: '10.0.0.2', timestamp: MONDAY_10 + 180_000 }), NETWORK);

    expect(state.sourceIpsSince(MONDAY_10 + 90_000)).toEqual(['203.0.113.9', '10.0.0.2']);
    expect(state.sourceIpsSince(MONDAY_10)).toEqual(['10.0.0.1', '203.0.113.9', '10.0.0.2']);
  });
});

describe('hash32', () => {
  it('matches FNV-1a', () => {
    // FNV-1a 32-bit of "a" is 0xe40c292c.
    expect(hash32('a')).toBe(0xe40c292c);
  });
});
