import { describe, expect, it } from 'vitest';
import { HOURS_PER_WEEK } from '../../models/baseline.ts';
import { defaultScoreConfig } from '../../detectors/config.ts';
import { createEnumerationDetector } from '../../detectors/enumeration.ts';
import { createErrorBurstDetector } from '../../detectors/error-burst.ts';
import { createResponseBytesDetector } from '../../detectors/response-bytes.ts';
import { createVolumeDetector } from '../../detectors/volume.ts';
import {
  billingBaseline,
  billingPrior,
  burst,
  MONDAY_10,
  runDetector,
  stats,
} from './detectors-fixtures.ts';

const d = defaultScoreConfig().detectors;
const scoresOf = (findings: ({ score: number } | undefined)[]) => findings.map((f) => f?.score);
const lastOf = <T>(values: T[]): T => values[values.length - 1]!;

describe('volume-per-minute detector', () => {
  const volume = createVolumeDetector('volume-per-minute', 1, d.volumePerMinute);

  it('reports the 31st request of a minute', () => {
    const findings = runDetector(volume, burst(31, MONDAY_10));

    expect(findings.slice(0, 30).every((f) => f === undefined)).toBe(true);
    const finding = lastOf(findings);
    expect(finding?.score).toBe(0.517);
    expect(finding?.evidence).toEqual({
      requests: 31,
      threshold: 30,
      medianPerMinute: 4,
      madPerMinute: 1,
      minutes: 1,
      hourOfWeek: 10,
    });
    expect(finding?.explanation).toBe(
      'billing-bot sent 31 requests in one minute at Monday 10:00-10:59 UTC, above its limit ' +
        'of 30 (usual median 4); check for a runaway job or a credential used by someone else.',
    );
  });

  it('stays silent for a quiet principal', () => {
    // Three requests against a median of 0.2: the floor of 30 keeps this silent.
    const quiet = billingBaseline({
      ratePerMinute: { ...billingBaseline().ratePerMinute, median: 0.2, mad: 0 },
    });
    expect(scoresOf(runDetector(volume, burst(3, MONDAY_10), { baseline: quiet }))).toEqual([
      undefined,
      undefined,
      undefined,
    ]);
  });

  it('accepts an hour with an expected batch', () => {
    const expected = new Array<number>(HOURS_PER_WEEK).fill(0);
    expected[10] = 3000;
    const batch = billingBaseline({ expectedPerHourOfWeek: expected });

    expect(lastOf(runDetector(volume, burst(31, MONDAY_10), { baseline: batch }))).toBeUndefined();
  });

  it('uses the prior without a baseline', () => {
    const findings = runDetector(volume, burst(31, MONDAY_10), {
      baseline: undefined,
      prior: billingPrior(),
    });
    expect(lastOf(findings)?.evidence['medianPerMinute']).toBe(5);
  });
});

describe('volume-per-5-minutes detector', () => {
  const volume = createVolumeDetector('volume-per-5-minutes', 5, d.volumePerFiveMinutes);

  it('reports the 101st request of the window', () => {
    const findings = runDetector(volume, burst(101, MONDAY_10));

    expect(findings.slice(0, 100).every((f) => f === undefined)).toBe(true);
    expect(lastOf(findings)?.score).toBe(0.505);
    expect(lastOf(findings)?.evidence['threshold']).toBe(100);
  });
});

describe('enumeration detectors', () => {
  const paths = createEnumerationDetector('enumeration-paths', d.enumeration);
  const routes = createEnumerationDetector('enumeration-routes', d.enumerationRoutes);

  it('reports 41 distinct ids', () => {
    const events = burst(41, MONDAY_10, (i) => ({ path: `/v1/invoices/${2000 + i}` }));
    const findings = runDetector(paths, events);

    expect(findings.slice(0, 40).every((f) => f === undefined)).toBe(true);
    expect(lastOf(findings)?.score).toBe(0.513);
    expect(lastOf(findings)?.evidence).toEqual({
      distinct: 41,
      threshold: 40,
      median: 10,
      mad: 2,
      ownP99: 16,
      requests: 41,
      lastRoute: '/v1/invoices/{id}',
    });
  });

  it('stays silent under its own 99th percentile', () => {
    // A sweep of 50 ids recurs in its history: the 99th percentile of its windows is 60.
    const sweeper = billingBaseline({ breadthPerWindow: { ...stats(10, 2), p99: 60, max: 64 } });
    const events = burst(55, MONDAY_10, (i) => ({ path: `/v1/invoices/${2000 + i}` }));
    const findings = runDetector(paths, events, { baseline: sweeper });

    expect(findings.every((f) => f === undefined)).toBe(true);
  });

  it('stays silent on one path repeated', () => {
    const findings = runDetector(paths, burst(200, MONDAY_10));
    expect(findings.every((f) => f === undefined)).toBe(true);
  });

  it('forgets paths after the window', () => {
    const first = burst(30, MONDAY_10, (i) => ({ path: `/v1/invoices/${i}` }));
    const later = burst(30, MONDAY_10 + 6 * 60_000, (i) => ({ path: `/v1/invoices/${100 + i}` }));
    const findings = runDetector(paths, [...first, ...later]);

    expect(findings.every((f) => f === undefined)).toBe(true);
  });

  it('reports 13 distinct routes', () => {
    const events = burst(13, MONDAY_10, (i) => ({ route: `/v1/r${i}`, path: `/v1/r${i}` }));
    const findings = runDetector(routes, events);

    expect(findings.slice(0, 12).every((f) => f === undefined)).toBe(true);
    expect(lastOf(findings)?.score).toBe(0.542);
  });
});

describe('error-burst detector', () => {
  const errors = createErrorBurstDetector(d.errorBurst);

  it('reports the 20th not-found answer', () => {
    const findings = runDetector(
      errors,
      burst(20, MONDAY_10, () => ({ status: 404 })),
    );

    expect(findings.slice(0, 19).every((f) => f === undefined)).toBe(true);
    expect(lastOf(findings)?.score).toBe(0.5);
    expect(lastOf(findings)?.explanation).toBe(
      'billing-bot received 20 responses 401, 403 or 404 within the window (0 unauthorized, ' +
        '0 forbidden, 20 not found, about 0 expected); someone may be probing with the credential.',
    );
  });

  it('stays silent on the usual error ratio', () => {
    const events = burst(200, MONDAY_10, (i) => ({ status: i % 100 === 0 ? 404 : 200 }));
    expect(runDetector(errors, events).every((f) => f === undefined)).toBe(true);
  });

  it('ignores successful answers', () => {
    const events = [
      ...burst(25, MONDAY_10, () => ({ status: 403 })),
      ...burst(1, MONDAY_10 + 30_000),
    ];
    const findings = runDetector(errors, events);

    expect(findings[24]?.evidence['forbidden']).toBe(25);
    expect(lastOf(findings)).toBeUndefined();
  });
});

describe('response-bytes detector', () => {
  const bytes = createResponseBytesDetector(d.responseBytes);
  const MIB = 1024 * 1024;

  it('reports more than 10 MiB', () => {
    const findings = runDetector(
      bytes,
      burst(11, MONDAY_10, () => ({ bytesOut: MIB })),
    );

    expect(findings.slice(0, 10).every((f) => f === undefined)).toBe(true);
    expect(lastOf(findings)?.score).toBe(0.55);
    expect(lastOf(findings)?.explanation).toContain('11.0 MiB of responses');
  });

  it('stays silent on usual volume', () => {
    const findings = runDetector(
      bytes,
      burst(50, MONDAY_10, () => ({ bytesOut: 4_000 })),
    );
    expect(findings.every((f) => f === undefined)).toBe(true);
  });
});
