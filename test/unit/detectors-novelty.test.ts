import { describe, expect, it } from 'vitest';
import { defaultScoreConfig } from '../../detectors/config.ts';
import { createNewClientDetector } from '../../detectors/new-client.ts';
import { createNewHostDetector } from '../../detectors/new-host.ts';
import { createNewMethodDetector } from '../../detectors/new-method.ts';
import { createNewNetworkDetector } from '../../detectors/new-network.ts';
import { createNewRouteDetector } from '../../detectors/new-route.ts';
import { billingBaseline, billingEvent, MONDAY_10, runDetector } from './detectors-fixtures.ts';

const config = defaultScoreConfig();
const windowMs = config.risk.windowMs;
const newRoute = createNewRouteDetector(config.detectors.newRoute, windowMs);

describe('new-route detector', () => {
  it('reports a route absent from the baseline', () => {
    const event = billingEvent({ path: '/v1/customers/7', route: '/v1/customers/{id}' });
    const [finding] = runDetector(newRoute, [event]);

    expect(finding).toEqual({
      detector: 'new-route',
      score: 0.5,
      timestampMs: MONDAY_10,
      explanation:
        'billing-bot used 1 route absent from its baseline (GET api.corp/v1/customers/{id}); ' +
        'confirm a deployment added it or treat the credential as misused.',
      evidence: {
        value: 'GET api.corp/v1/customers/{id}',
        newValues: ['GET api.corp/v1/customers/{id}'],
        newValueCount: 1,
        knownValueCount: 2,
        baselineMature: true,
      },
      eventIds: [event.id],
    });
  });

  it('stays silent on a known route', () => {
    expect(runDetector(newRoute, [billingEvent()])).toEqual([undefined]);
  });

  it('reports each new route once', () => {
    const route = { path: '/v1/customers/7', route: '/v1/customers/{id}' };
    const findings = runDetector(newRoute, [billingEvent(route), billingEvent(route)]);

    expect(findings[0]?.score).toBe(0.5);
    expect(findings[1]).toBeUndefined();
  });

  it('grows with distinct new routes', () => {
    const events = ['/a', '/b', '/c'].map((route, i) =>
      billingEvent({ route, path: route, timestamp: MONDAY_10 + i * 1000 }),
    );
    const scores = runDetector(newRoute, events).map((f) => f?.score);

    expect(scores).toEqual([0.5, 0.75, 0.875]);
  });

  it('scales down for an immature baseline', () => {
    const event = billingEvent({ route: '/a', path: '/a' });
    const [finding] = runDetector(newRoute, [event], {
      baseline: billingBaseline({ mature: false }),
    });

    expect(finding?.score).toBe(0.125);
    expect(finding?.evidence['baselineMature']).toBe(false);
  });

  it('stays silent without a baseline', () => {
    const event = billingEvent({ route: '/a', path: '/a' });
    expect(runDetector(newRoute, [event], { baseline: undefined })).toEqual([undefined]);
  });
});

describe('new-host and new-method detectors', () => {
  const newHost = createNewHostDetector(config.detectors.newHost, windowMs);
  const newMethod = createNewMethodDetector(config.detectors.newMethod, windowMs);

  it('reports a new host', () => {
    const [finding] = runDetector(newHost, [billingEvent({ host: 'hr.corp' })]);

    expect(finding?.score).toBe(0.5);
    expect(finding?.evidence['value']).toBe('hr.corp');
    expect(finding?.explanation).toContain('1 destination host absent from its baseline (hr.corp)');
  });

  it('skips events without a host', () => {
    expect(runDetector(newHost, [billingEvent({ host: '' })])).toEqual([undefined]);
  });

  it('reports a new method', () => {
    const [finding] = runDetector(newMethod, [billingEvent({ method: 'DELETE' })]);

    expect(finding?.score).toBe(0.4);
    expect(finding?.evidence['value']).toBe('DELETE');
  });

  it('stays silent on a known method', () => {
    expect(runDetector(newMethod, [billingEvent({ method: 'POST' })])).toEqual([undefined]);
  });
});

describe('new-network and new-client detectors', () => {
  const newNetwork = createNewNetworkDetector(config.detectors.newNetwork, windowMs);
  const newClient = createNewClientDetector(config.detectors.newClient, windowMs);

  it('reports a new IPv4 network', () => {
    const [finding] = runDetector(newNetwork, [billingEvent({ sourceIp: '198.51.100.9' })]);

    expect(finding?.score).toBe(0.6);
    expect(finding?.evidence['value']).toBe('198.51.100.0/24');
    expect(finding?.explanation).toContain(
      '1 source network absent from its baseline (198.51.100.0/24)',
    );
  });

  it('reports a new IPv6 network', () => {
    const [finding] = runDetector(newNetwork, [billingEvent({ sourceIp: '2001:db8:1:2::5' })]);

    expect(finding?.evidence['value']).toBe('2001:db8:1:2::/64');
  });

  it('stays silent in the usual network', () => {
    expect(runDetector(newNetwork, [billingEvent({ sourceIp: '10.1.2.200' })])).toEqual([
      undefined,
    ]);
  });

  it('skips an address that does not parse', () => {
    expect(runDetector(newNetwork, [billingEvent({ sourceIp: 'unknown' })])).toEqual([undefined]);
  });

  it('reports a new client', () => {
    const [finding] = runDetector(newClient, [billingEvent({ userAgent: 'curl/8.5.0' })]);

    expect(finding?.score).toBe(0.3);
    expect(finding?.evidence['value']).toBe('curl/8.5.0');
  });

  it('stays silent on the usual client', () => {
    expect(runDetector(newClient, [billingEvent()])).toEqual([undefined]);
  });
});
