import { describe, expect, it } from 'vitest';
import { defaultScoreConfig } from '../../detectors/config.ts';
import type { DetectorFamily } from '../../detectors/detector.ts';
import type { Finding } from '../../detectors/finding.ts';
import { assessRisk, severityOf } from '../../detectors/risk.ts';

const risk = defaultScoreConfig().risk;
const FAMILIES: Record<string, DetectorFamily> = {
  'new-route': 'destination',
  'new-network': 'source',
  'new-client': 'source',
  'idle-hour': 'time',
  'enumeration-paths': 'enumeration',
};
const familyOf = (detector: string) => FAMILIES[detector] ?? 'policy';

function finding(detector: string, score: number): Finding {
  return { detector, score, timestampMs: 0, explanation: '', evidence: {}, eventIds: [] };
}

describe('risk rule', () => {
  it('keeps one new route at medium', () => {
    const result = assessRisk([finding('new-route', 0.5)], familyOf, risk);

    expect(result.risk).toBe(0.5);
    expect(result.severity).toBe('medium');
  });

  it('caps one strong family', () => {
    const result = assessRisk([finding('new-route', 0.875)], familyOf, risk);

    expect(result.risk).toBe(0.6);
    expect(result.severity).toBe('medium');
  });

  it('raises route, network and hour to critical', () => {
    const findings = [
      finding('new-route', 0.5),
      finding('new-network', 0.6),
      finding('idle-hour', 0.6),
    ];
    const result = assessRisk(findings, familyOf, risk);

    // 1 - 0.5 * 0.4 * 0.4 = 0.92, plus 0.1 for each of two corroborating families, capped at 1.
    expect(result.risk).toBe(1);
    expect(result.severity).toBe('critical');
    // Equal scores are ordered by detector name: idle-hour before new-network.
    expect(result.families).toEqual(['time', 'source', 'destination']);
  });

  it('counts one family once', () => {
    const result = assessRisk(
      [finding('new-network', 0.6), finding('new-client', 0.3)],
      familyOf,
      risk,
    );

    expect(result.risk).toBe(0.6);
    expect(result.findings.map((f) => f.detector)).toEqual(['new-network', 'new-client']);
  });

  it('adds no bonus for a weak second family', () => {
    const result = assessRisk(
      [finding('new-route', 0.5), finding('idle-hour', 0.3)],
      familyOf,
      risk,
    );

    expect(result.risk).toBe(0.65);
    expect(result.severity).toBe('medium');
  });

  it('ignores findings below the minimum', () => {
    const result = assessRisk(
      [finding('new-route', 0.5), finding('idle-hour', 0.15)],
      familyOf,
      risk,
    );

    expect(result.risk).toBe(0.5);
    expect(result.findings.map((f) => f.detector)).toEqual(['new-route']);
  });

  it('caps an immature principal', () => {
    const findings = [
      finding('new-route', 0.5),
      finding('new-network', 0.6),
      finding('idle-hour', 0.6),
    ];
    const result = assessRisk(findings, familyOf, risk, { mature: false });

    expect(result.risk).toBe(0.65);
    expect(result.severity).toBe('medium');
  });

  it('returns zero for no findings', () => {
    const result = assessRisk([], familyOf, risk);

    expect(result.risk).toBe(0);
    expect(result.severity).toBeUndefined();
  });
});

describe('severityOf', () => {
  it('maps the default thresholds', () => {
    expect([0.29, 0.3, 0.5, 0.69, 0.7, 0.9, 1].map((r) => severityOf(r, risk))).toEqual([
      undefined,
      'low',
      'medium',
      'medium',
      'high',
      'critical',
      'critical',
    ]);
  });
});
