import { describe, expect, it } from 'vitest';
import type { MethodAlert } from '../../detect/method.ts';
import {
  backgroundPrincipalDays,
  computeMetrics,
  medianOf,
  withinBudget,
  type MetricsOptions,
} from '../../detect/metrics.ts';
import type { ScenarioLabel } from '../../detect/scenario.ts';

const label = (
  fields: Partial<ScenarioLabel> & Pick<ScenarioLabel, 'principal'>,
): ScenarioLabel => ({
  scenario: 'stolen-token',
  kind: 'attack',
  instance: 0,
  startMs: 0,
  endMs: 0,
  description: '',
  ...fields,
});

const LABELS: ScenarioLabel[] = [
  label({ principal: 'svc-a', startMs: 1_000_000, endMs: 1_060_000 }),
  label({ principal: 'svc-b', instance: 1, startMs: 2_000_000, endMs: 2_010_000 }),
  label({
    scenario: 'release',
    kind: 'benign',
    principal: 'svc-c',
    startMs: 500_000,
    endMs: 9_000_000,
  }),
];

const alert = (
  principal: string,
  timestampMs: number,
  score: number,
  severity: MethodAlert['severity'],
): MethodAlert => ({ principal, timestampMs, score, severity });

/** In order: true and in time, before its attack, true but late, benign high, two background. */
const ALERTS: MethodAlert[] = [
  alert('svc-a', 1_030_000, 0.8, 'high'),
  alert('svc-a', 500_000, 0.55, 'medium'),
  alert('svc-b', 2_400_000, 0.6, 'medium'),
  alert('svc-c', 600_000, 0.75, 'high'),
  alert('x', 700_000, 0.95, 'critical'),
  alert('y', 800_000, 0.5, 'medium'),
];

const OPTIONS: MetricsOptions = {
  detectWithinMs: 300_000,
  graceMs: 900_000,
  budgetPerDay: 2,
  backgroundPrincipalDays: 4000,
  graded: true,
};

describe('computeMetrics', () => {
  it('attack scenario row', () => {
    const { scenarios } = computeMetrics(ALERTS, LABELS, OPTIONS);
    expect(scenarios[0]).toEqual({
      scenario: 'stolen-token',
      kind: 'attack',
      instances: 2,
      detected: 1,
      recall: 0.5,
      precision: 2 / 3,
      alerts: 3,
      falseHigh: undefined,
      medianTimeToDetectMs: 215_000,
      withinBudget: 1,
    });
  });

  it('benign scenario row', () => {
    const { scenarios } = computeMetrics(ALERTS, LABELS, OPTIONS);
    expect(scenarios[1]).toEqual({
      scenario: 'release',
      kind: 'benign',
      instances: 1,
      detected: 0,
      recall: undefined,
      precision: undefined,
      alerts: 1,
      falseHigh: 1,
      medianTimeToDetectMs: undefined,
      withinBudget: 0,
    });
  });

  it('overall figures', () => {
    const { overall } = computeMetrics(ALERTS, LABELS, OPTIONS);
    expect(overall).toEqual({
      attackInstances: 2,
      detected: 1,
      recall: 0.5,
      precision: 2 / 6,
      alerts: 6,
      trueAlerts: 2,
      backgroundFalseAlerts: 2,
      falseAlertsPer1000PrincipalDays: 0.5,
      backgroundFalseHigh: 1,
      falseHighPer1000PrincipalDays: 0.25,
      recallAtBudget: 0.5,
      medianTimeToDetectMs: 215_000,
    });
  });

  it('ignores low severity for detection', () => {
    const low = [alert('svc-a', 1_010_000, 0.35, 'low')];
    const { overall } = computeMetrics(low, LABELS, OPTIONS);
    expect(overall.detected).toBe(0);
    expect(overall.trueAlerts).toBe(1);
    expect(overall.medianTimeToDetectMs).toBe(10_000);
  });

  it('ungraded method counts every alert', () => {
    const plain = ALERTS.map((a) => ({ ...a, severity: undefined }));
    const { overall, scenarios } = computeMetrics(plain, LABELS, { ...OPTIONS, graded: false });
    expect(overall.detected).toBe(1);
    expect(overall.backgroundFalseHigh).toBeUndefined();
    expect(overall.falseHighPer1000PrincipalDays).toBeUndefined();
    expect(scenarios[1]!.falseHigh).toBeUndefined();
  });

  it('stays silent without alerts', () => {
    const { overall, scenarios } = computeMetrics([], LABELS, OPTIONS);
    expect(overall.detected).toBe(0);
    expect(overall.recall).toBe(0);
    expect(overall.precision).toBeUndefined();
    expect(overall.falseHighPer1000PrincipalDays).toBe(0);
    expect(overall.medianTimeToDetectMs).toBeUndefined();
    expect(scenarios[0]!.precision).toBeUndefined();
    expect(scenarios[1]!.falseHigh).toBe(0);
  });

  it('alert after the grace period is false', () => {
    const late = [alert('svc-b', 2_010_000 + 900_001, 0.9, 'high')];
    const { overall } = computeMetrics(late, LABELS, OPTIONS);
    expect(overall.trueAlerts).toBe(0);
    expect(overall.medianTimeToDetectMs).toBeUndefined();
  });
});

describe('withinBudget', () => {
  it('keeps the top scores per day', () => {
    const day = 86_400_000;
    const alerts = [
      alert('a', 10, 0.5, 'medium'),
      alert('b', 20, 0.9, 'high'),
      alert('c', 30, 0.7, 'high'),
      alert('d', day + 10, 0.1, 'medium'),
    ];
    const inBudget = withinBudget(alerts, 2);
    expect([...inBudget].map((a) => a.principal).sort()).toEqual(['b', 'c', 'd']);
  });

  it('breaks ties by time', () => {
    const alerts = [alert('late', 50, 0.5, 'medium'), alert('early', 40, 0.5, 'medium')];
    expect([...withinBudget(alerts, 1)].map((a) => a.principal)).toEqual(['early']);
  });
});

describe('backgroundPrincipalDays', () => {
  it('counts active days of untargeted principals', () => {
    const day = 86_400_000;
    const events = [
      { principal: 'x', timestamp: 5 * day + 1 },
      { principal: 'x', timestamp: 5 * day + 2 },
      { principal: 'x', timestamp: 6 * day },
      { principal: 'y', timestamp: 6 * day + 3 },
      { principal: 'svc-a', timestamp: 6 * day },
      { principal: '', timestamp: 6 * day },
      { principal: 'z', timestamp: 4 * day },
    ];
    expect(backgroundPrincipalDays(events, 5 * day, LABELS)).toBe(3);
  });
});

describe('medianOf', () => {
  it('skips undefined values', () => {
    expect(medianOf([3, undefined, 1, 2])).toBe(2);
    expect(medianOf([4, 1])).toBe(2.5);
    expect(medianOf([undefined])).toBeUndefined();
  });
});
