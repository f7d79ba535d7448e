import { describe, expect, it } from 'vitest';
import { defaultScoreConfig } from '../../detectors/config.ts';
import { createPeerDistanceDetector } from '../../detectors/peer-distance.ts';
import { createTwoNetworksDetector } from '../../detectors/two-networks.ts';
import { billingBaseline, billingEvent, MONDAY_10, runDetector } from './detectors-fixtures.ts';

const d = defaultScoreConfig().detectors;

describe('two-networks detector', () => {
  const twoNetworks = createTwoNetworksDetector(d.twoNetworks);

  it('reports a second network within a minute', () => {
    const events = [
      billingEvent(),
      billingEvent({ sourceIp: '198.51.100.9', timestamp: MONDAY_10 + 10_000 }),
    ];
    const findings = runDetector(twoNetworks, events);

    expect(findings[0]).toBeUndefined();
    expect(findings[1]?.score).toBe(0.6);
    expect(findings[1]?.evidence).toEqual({
      credential: 'cred-1',
      networks: ['10.1.2.0/24', '198.51.100.0/24'],
      networksNotInBaseline: ['198.51.100.0/24'],
      baselineNetworkCount: 1,
      intervalMs: 60_000,
    });
    expect(findings[1]?.explanation).toBe(
      'billing-bot used one credential from 2 networks within 60 s (10.1.2.0/24, ' +
        '198.51.100.0/24); the credential may be held by two parties.',
    );
  });

  it('stays silent two minutes apart', () => {
    const events = [
      billingEvent(),
      billingEvent({ sourceIp: '198.51.100.9', timestamp: MONDAY_10 + 120_000 }),
    ];
    expect(runDetector(twoNetworks, events)).toEqual([undefined, undefined]);
  });

  it('accepts known networks of a replicated service', () => {
    const base = billingBaseline();
    const baseline = billingBaseline({
      networks: [...base.networks, { ...base.networks[0]!, key: '10.1.3.0/24' }],
    });
    const events = [
      billingEvent(),
      billingEvent({ sourceIp: '10.1.3.4', timestamp: MONDAY_10 + 5_000 }),
    ];
    expect(runDetector(twoNetworks, events, { baseline })).toEqual([undefined, undefined]);
  });
});

describe('peer-distance detector', () => {
  const peer = createPeerDistanceDetector(d.peerDistance);

  it('reports four times the group median', () => {
    const base = billingBaseline();
    const baseline = billingBaseline({ peer: { ...base.peer!, distance: 1 } });
    const [finding] = runDetector(peer, [billingEvent()], { baseline });

    expect(finding?.score).toBe(0.333);
    expect(finding?.evidence).toEqual({
      group: 1,
      distance: 1,
      groupMedianDistance: 0.25,
      ratio: 4,
      groupSize: 12,
    });
  });

  it('reports once per baseline version', () => {
    const base = billingBaseline();
    const baseline = billingBaseline({ peer: { ...base.peer!, distance: 1 } });
    const findings = runDetector(peer, [billingEvent(), billingEvent()], { baseline });

    expect(findings[1]).toBeUndefined();
  });

  it('stays silent near the group', () => {
    expect(runDetector(peer, [billingEvent()])).toEqual([undefined]);
  });

  it('skips a small group', () => {
    const base = billingBaseline();
    const baseline = billingBaseline({ peer: { ...base.peer!, distance: 1, groupSize: 2 } });
    expect(runDetector(peer, [billingEvent()], { baseline })).toEqual([undefined]);
  });
});
