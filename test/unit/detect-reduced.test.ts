import { beforeAll, describe, expect, it } from 'vitest';
import { runDetectionBenchmark, type BenchmarkResult } from '../../detect/benchmark.ts';
import { ATTACK_SCENARIOS } from '../../detect/attacks.ts';
import { BENIGN_SCENARIOS } from '../../detect/benign.ts';
import { MAX_FALSE_HIGH_PER_1000 } from '../../detect/targets.ts';

/**
 * The detection benchmark in reduced form: a fleet of 16 generated service accounts and one
 * instance of every scenario over the same real background and calendar as the full run. Each
 * target has its own test, so a failure names the target that was missed.
 */
const REDUCED_SIZE = { fleetSize: 16, instances: 1 };
const BUILD_TIMEOUT_MS = 180_000;

let result: BenchmarkResult;

beforeAll(() => {
  result = runDetectionBenchmark(REDUCED_SIZE);
}, BUILD_TIMEOUT_MS);

const combined = () => result.methods.find((m) => m.method === 'combined model')!.metrics;

describe('reduced detection benchmark', () => {
  for (const scenario of ATTACK_SCENARIOS) {
    it(`detects ${scenario.name} within 5 minutes`, () => {
      const row = combined().scenarios.find((s) => s.scenario === scenario.name)!;
      expect(row.detected, `${scenario.name}: detected ${row.detected} of ${row.instances}`).toBe(
        row.instances,
      );
    });
  }

  for (const scenario of BENIGN_SCENARIOS) {
    it(`no high alert in ${scenario.name}`, () => {
      const row = combined().scenarios.find((s) => s.scenario === scenario.name)!;
      expect(row.falseHigh).toBe(0);
    });
  }

  it('false high rate on the background', () => {
    const { overall } = combined();
    const rate = overall.falseHighPer1000PrincipalDays!;
    const message = `${overall.backgroundFalseHigh} false high alerts in ${result.backgroundPrincipalDays} principal-days`;
    expect(rate, message).toBeLessThan(MAX_FALSE_HIGH_PER_1000);
  });

  it('first-seen peer stays silent on volume', () => {
    const firstSeen = result.methods.find((m) => m.method === 'first-seen rule')!.metrics;
    const exfiltration = firstSeen.scenarios.find((s) => s.scenario === 'exfiltration')!;
    expect(exfiltration.detected).toBe(0);
  });
});
