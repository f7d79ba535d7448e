import { describe, expect, it } from 'vitest';
import { firstSeenRule } from '../../detect/first-seen.ts';
import { hourlyStats, hourlyVolumeZScore } from '../../detect/hourly-zscore.ts';
import { accessEvent } from './models-fixtures.ts';

const HOUR_MS = 3_600_000;

describe('firstSeenRule', () => {
  const learnUntilMs = 10 * HOUR_MS;
  const history = [
    accessEvent({ timestamp: 1 * HOUR_MS }),
    accessEvent({ timestamp: 2 * HOUR_MS, route: '/rest/api/space' }),
  ];

  it('stays silent on known values', () => {
    const events = [...history, accessEvent({ timestamp: 11 * HOUR_MS })];
    expect(firstSeenRule().run(events, learnUntilMs)).toEqual([]);
  });

  it('alerts once per new value', () => {
    const events = [
      ...history,
      accessEvent({ timestamp: 11 * HOUR_MS, route: '/rest/api/user' }),
      accessEvent({ timestamp: 11 * HOUR_MS + 1000, route: '/rest/api/user' }),
      accessEvent({ timestamp: 11 * HOUR_MS + 2000, sourceIp: '192.0.2.7' }),
    ];
    expect(firstSeenRule().run(events, learnUntilMs)).toEqual([
      { principal: 'svc-a', timestampMs: 11 * HOUR_MS, score: 1, severity: undefined },
      { principal: 'svc-a', timestampMs: 11 * HOUR_MS + 2000, score: 2, severity: undefined },
    ]);
  });

  it('skips principals without history', () => {
    const events = [...history, accessEvent({ timestamp: 11 * HOUR_MS, principal: 'svc-new' })];
    expect(firstSeenRule().run(events, learnUntilMs)).toEqual([]);
  });
});

describe('hourlyStats', () => {
  it('counts idle hours as zero', () => {
    const history = [
      ...Array.from({ length: 4 }, (_, i) => ({ principal: 'svc-a', timestamp: i * 1000 })),
      { principal: 'svc-a', timestamp: 2 * HOUR_MS },
      { principal: 'svc-a', timestamp: 2 * HOUR_MS + 1 },
    ];
    const stats = hourlyStats(history, 3 * HOUR_MS).get('svc-a')!;
    expect(stats.mean).toBe(2);
    expect(stats.deviation).toBeCloseTo(Math.sqrt(8 / 3), 12);
  });

  it('floors the deviation at one', () => {
    const history = [0, 1, 2].map((hour) => ({ principal: 'svc-a', timestamp: hour * HOUR_MS }));
    expect(hourlyStats(history, 3 * HOUR_MS).get('svc-a')).toEqual({ mean: 1, deviation: 1 });
  });
});

describe('hourlyVolumeZScore', () => {
  const learnUntilMs = 10 * HOUR_MS;
  const history = Array.from({ length: 10 }, (_, hour) =>
    accessEvent({ timestamp: hour * HOUR_MS }),
  );
  const burst = (count: number, principal = 'svc-a') =>
    Array.from({ length: count }, (_, i) =>
      accessEvent({ timestamp: 10 * HOUR_MS + i * 1000, principal }),
    );

  it('alerts once when z exceeds 3', () => {
    // Mean 1 and deviation floored at 1: the fifth request of the hour is z = 4.
    const alerts = hourlyVolumeZScore().run([...history, ...burst(7)], learnUntilMs);
    expect(alerts).toEqual([
      { principal: 'svc-a', timestampMs: 10 * HOUR_MS + 4000, score: 4, severity: undefined },
    ]);
  });

  it('stays silent at z = 3', () => {
    expect(hourlyVolumeZScore().run([...history, ...burst(4)], learnUntilMs)).toEqual([]);
  });

  it('skips principals without history', () => {
    expect(hourlyVolumeZScore().run([...history, ...burst(9, 'svc-new')], learnUntilMs)).toEqual(
      [],
    );
  });
});
