import { describe, expect, it } from 'vitest';
import { defaultScoreConfig, scoreConfigSchema } from '../../detectors/config.ts';
import { alertId, Scorer, type BaselineSet } from '../../detectors/scorer.ts';
import {
  billingBaseline,
  billingEvent,
  HOUR_MS,
  MINUTE_MS,
  MONDAY_10,
} from './detectors-fixtures.ts';

const WEDNESDAY_03 = MONDAY_10 + 2 * 24 * HOUR_MS - 7 * HOUR_MS;

function baselines(baseline = billingBaseline()): BaselineSet {
  return {
    version: baseline.version,
    baselines: new Map([[baseline.principal, baseline]]),
    priors: [],
  };
}

function attackEvent(offsetMs = 0) {
  return billingEvent({
    timestamp: WEDNESDAY_03 + offsetMs,
    sourceIp: '198.51.100.9',
    route: '/v1/customers/{id}',
    path: `/v1/customers/${offsetMs}`,
  });
}

describe('Scorer', () => {
  it('stays silent on usual traffic', () => {
    const scorer = new Scorer({ config: defaultScoreConfig(), baselines: baselines() });
    const events = Array.from({ length: 120 }, (_, i) =>
      billingEvent({ timestamp: MONDAY_10 + i * 15_000, path: `/v1/invoices/${i % 8}` }),
    );
    const alerts = events.map((e) => scorer.process(e));

    expect(alerts.filter(Boolean)).toEqual([]);
    expect(scorer.counters.events).toBe(120);
    expect(scorer.counters.findings).toBe(0);
  });

  it('alerts on a new route from a new network at night', () => {
    const scorer = new Scorer({ config: defaultScoreConfig(), baselines: baselines() });
    const event = attackEvent();
    const alert = scorer.process(event);

    const detectors = ['idle-hour', 'new-network', 'new-route'];
    expect(alert).toMatchObject({
      id: alertId('billing-bot', detectors, WEDNESDAY_03),
      timestamp: WEDNESDAY_03,
      principal: 'billing-bot',
      credential: 'cred-1',
      severity: 'critical',
      risk: 1,
      windowStartMs: WEDNESDAY_03,
      windowEndMs: WEDNESDAY_03,
      baselineVersion: 3,
      sourceIps: ['198.51.100.9'],
    });
    expect(alert?.findings.map((f) => f.detector).sort()).toEqual(detectors);
  });

  it('emits again only when the alert changes', () => {
    const scorer = new Scorer({ config: defaultScoreConfig(), baselines: baselines() });
    const first = scorer.process(attackEvent());
    const repeat = scorer.process(attackEvent(1000));

    expect(first).toBeDefined();
    expect(repeat).toBeUndefined();
    expect(scorer.counters.alerts).toBe(1);
  });

  it('ends the episode after the risk window', () => {
    const scorer = new Scorer({ config: defaultScoreConfig(), baselines: baselines() });
    scorer.process(attackEvent());
    // Wednesday 10:16 from the usual network: nothing new, and the night's findings expired.
    scorer.process(billingEvent({ timestamp: WEDNESDAY_03 + 7 * HOUR_MS + 16 * MINUTE_MS }));

    expect(scorer.stateOf('billing-bot')?.findings.size).toBe(0);
    expect(scorer.stateOf('billing-bot')?.lastAlertKey).toBe('');
  });

  it('skips events without a principal', () => {
    const scorer = new Scorer({ config: defaultScoreConfig(), baselines: baselines() });

    expect(scorer.process(billingEvent({ principal: '' }))).toBeUndefined();
    expect(scorer.counters.skippedNoPrincipal).toBe(1);
    expect(scorer.trackedPrincipals).toBe(0);
  });

  it('counts events later than the lateness', () => {
    const scorer = new Scorer({ config: defaultScoreConfig(), baselines: baselines() });
    scorer.process(billingEvent({ timestamp: MONDAY_10 }));
    scorer.process(billingEvent({ timestamp: MONDAY_10 - 2 * MINUTE_MS }));

    expect(scorer.counters.lateEvents).toBe(1);
    expect(scorer.stateOf('billing-bot')?.windowTotals().requests).toBe(1);
  });

  it('accepts a route after a new baseline', () => {
    const scorer = new Scorer({ config: defaultScoreConfig(), baselines: baselines() });
    const base = billingBaseline();
    const route = { method: 'GET', host: 'api.corp', route: '/v1/customers/{id}' };
    const next = billingBaseline({
      version: 4,
      routes: [
        ...base.routes,
        { ...base.routes[0]!, ...route, key: 'GET api.corp /v1/customers/{id}' },
      ],
    });
    scorer.setBaselines(baselines(next));
    scorer.process(billingEvent({ route: route.route, path: '/v1/customers/1' }));

    expect(scorer.baselineVersion).toBe(4);
    expect(scorer.counters.findings).toBe(0);
  });

  it('evicts a principal idle beyond the window', () => {
    const config = scoreConfigSchema.parse({ maxPrincipals: 2 });
    const scorer = new Scorer({ config, baselines: baselines() });
    const visits: [string, number][] = [
      ['a', MONDAY_10 - 30 * MINUTE_MS],
      ['b', MONDAY_10 - 20 * MINUTE_MS],
      ['a', MONDAY_10],
      ['c', MONDAY_10],
    ];
    for (const [principal, timestamp] of visits) {
      scorer.process(billingEvent({ principal, timestamp }));
    }

    expect(scorer.trackedPrincipals).toBe(2);
    expect(scorer.stateOf('b')).toBeUndefined();
    expect(scorer.stateOf('a')).toBeDefined();
    expect(scorer.counters.evictedPrincipals).toBe(1);
  });
});

describe('alertId', () => {
  it('ignores detector order', () => {
    expect(alertId('p', ['b', 'a'], 5)).toBe(alertId('p', ['a', 'b'], 5));
  });

  it('differs by window start', () => {
    expect(alertId('p', ['a'], 5)).not.toBe(alertId('p', ['a'], 6));
  });

  it('is 32 hex characters', () => {
    expect(alertId('p', ['a'], 5)).toMatch(/^[0-9a-f]{32}$/);
  });
});
