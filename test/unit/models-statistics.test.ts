import { describe, expect, it } from 'vitest';
import { networkOf, networksOf } from '../../models/networks.ts';
import { robustStats, robustStatsFromHistogram } from '../../models/statistics.ts';

describe('robustStats', () => {
  it('summarises a skewed sample', () => {
    // Median 3; absolute deviations 2, 1, 0, 1, 97 have median 1. Quantiles interpolate
    // linearly at index (n - 1) * p: 3.8 gives 4 + 0.8 * 96 = 80.8, 3.96 gives 96.16.
    const stats = robustStats([4, 1, 100, 3, 2]);
    expect(stats.median).toBe(3);
    expect(stats.mad).toBe(1);
    expect(stats.p95).toBeCloseTo(80.8, 10);
    expect(stats.p99).toBeCloseTo(96.16, 10);
    expect(stats.max).toBe(100);
    expect(stats.samples).toBe(5);
  });

  it('returns zeros for no observations', () => {
    expect(robustStats([])).toEqual({ median: 0, mad: 0, p95: 0, p99: 0, max: 0, samples: 0 });
  });

  it('averages the middle pair of an even sample', () => {
    expect(robustStats([1, 2, 3, 10]).median).toBe(2.5);
  });

  it('expands a histogram', () => {
    // Minutes with 1, 1, 1 and 5 requests: index 2.85 gives 1 + 0.85 * 4 = 4.4, 2.97 gives 4.88.
    const histogram = new Map([
      [1, 3],
      [5, 1],
    ]);
    const stats = robustStatsFromHistogram(histogram);
    expect(stats.median).toBe(1);
    expect(stats.mad).toBe(0);
    expect(stats.p95).toBeCloseTo(4.4, 10);
    expect(stats.p99).toBeCloseTo(4.88, 10);
    expect(stats.max).toBe(5);
    expect(stats.samples).toBe(4);
  });
});

describe('networkOf', () => {
  it('takes the /24 of IPv4', () => {
    expect(networkOf('10.1.2.3')).toBe('10.1.2.0/24');
  });

  it('unwraps IPv4-mapped IPv6', () => {
    expect(networkOf('::ffff:10.1.2.3')).toBe('10.1.2.0/24');
  });

  it('takes the /64 of IPv6', () => {
    expect(networkOf('2001:db8:1:2:3:4:5:6')).toBe('2001:db8:1:2::/64');
  });

  it('rejects text that is not an address', () => {
    expect(networkOf('unknown')).toBeUndefined();
    expect(networkOf('')).toBeUndefined();
  });
});

describe('networksOf', () => {
  it('merges addresses of one network', () => {
    const merged = networksOf([
      { key: '10.0.0.1', count: 3, firstSeenMs: 50, lastSeenMs: 60 },
      { key: '10.0.0.2', count: 2, firstSeenMs: 10, lastSeenMs: 90 },
      { key: '10.0.1.1', count: 1, firstSeenMs: 70, lastSeenMs: 70 },
      { key: '-', count: 4, firstSeenMs: 1, lastSeenMs: 2 },
    ]);
    expect(merged).toEqual([
      { key: '10.0.0.0/24', count: 5, firstSeenMs: 10, lastSeenMs: 90 },
      { key: '10.0.1.0/24', count: 1, firstSeenMs: 70, lastSeenMs: 70 },
    ]);
  });
});
