import type { BenchmarkResult } from './benchmark.ts';

/** One of the benchmark's targets, judged on the combined model. */
export interface TargetOutcome {
  target: string;
  measured: string;
  met: boolean;
}

/** Maximum false high alerts per 1,000 background principal-days. */
export const MAX_FALSE_HIGH_PER_1000 = 1;

/**
 * Judges the targets on the combined model's metrics: every attack detected within five
 * minutes, no high alert in any benign scenario, and under one false high alert per 1,000
 * principal-days of background.
 */
export function evaluateTargets(result: BenchmarkResult): TargetOutcome[] {
  const combined = result.methods.find((m) => m.method === 'combined model');
  if (!combined) throw new RangeError('the benchmark result has no combined model');
  const { overall, scenarios } = combined.metrics;

  const missed = scenarios.filter((s) => s.kind === 'attack' && s.detected < s.instances);
  const benignHigh = scenarios.filter((s) => s.kind === 'benign' && (s.falseHigh ?? 0) > 0);
  const falseHighRate = overall.falseHighPer1000PrincipalDays ?? 0;
  return [
    {
      target: 'every attack detected within 5 minutes',
      measured:
        `${overall.detected} of ${overall.attackInstances}` +
        (missed.length > 0 ? `; missed in ${missed.map((s) => s.scenario).join(', ')}` : ''),
      met: overall.detected === overall.attackInstances,
    },
    {
      target: 'no high alert in a benign scenario',
      measured:
        benignHigh.length === 0
          ? '0 high alerts'
          : benignHigh.map((s) => `${s.scenario}: ${s.falseHigh}`).join(', '),
      met: benignHigh.length === 0,
    },
    {
      target: `under ${MAX_FALSE_HIGH_PER_1000} false high per 1,000 background principal-days`,
      measured: `${falseHighRate.toFixed(2)} (${overall.backgroundFalseHigh ?? 0} in ${result.backgroundPrincipalDays} principal-days)`,
      met: falseHighRate < MAX_FALSE_HIGH_PER_1000,
    },
  ];
}
