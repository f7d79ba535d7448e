import { SEVERITIES, type Severity } from '../alerts/alert.ts';
import type { RiskConfig } from './config.ts';
import type { DetectorFamily } from './detector.ts';
import type { Finding } from './finding.ts';

/** The combined risk of one principal's findings. */
export interface RiskAssessment {
  risk: number;
  /** Undefined while the risk is below the `low` threshold. */
  severity: Severity | undefined;
  /** Families with a finding that counted, strongest first. */
  families: DetectorFamily[];
  /** Findings that counted, strongest first. */
  findings: Finding[];
}

/**
 * Combines the strongest finding per detector into one risk from 0 to 1:
 *
 * 1. Findings below `minFindingScore` are ignored.
 * 2. Each family (destination, source, time, ...) contributes its strongest score, because
 *    detectors of one family see the same signal.
 * 3. The family scores combine by noisy-OR: risk = 1 - product(1 - score).
 * 4. While only one family reports, the risk is capped at `singleFamilyCap`, so one weak
 *    signal never reaches `high` however strong it is.
 * 5. Every further family that reports at least 0.4 adds `corroborationBonus`.
 * 6. A principal without a mature baseline is capped at `immatureCap`.
 *
 * With the defaults, a new route (0.5), a new network (0.6) and an idle hour (0.6) give
 * 1 - 0.5 * 0.4 * 0.4 = 0.92 plus 0.2, so critical; one new route alone gives medium at most.
 */
export function assessRisk(
  findings: Iterable<Finding>,
  familyOf: (detector: string) => DetectorFamily,
  config: RiskConfig,
  options: { mature: boolean } = { mature: true },
): RiskAssessment {
  const counted = [...findings]
    .filter((f) => f.score >= config.minFindingScore)
    .sort((a, b) => b.score - a.score || a.detector.localeCompare(b.detector));

  const familyScores = new Map<DetectorFamily, number>();
  for (const finding of counted) {
    const family = familyOf(finding.detector);
    familyScores.set(family, Math.max(familyScores.get(family) ?? 0, finding.score));
  }

  let remaining = 1;
  for (const score of familyScores.values()) remaining *= 1 - score;
  let risk = 1 - remaining;

  if (familyScores.size === 1) risk = Math.min(risk, config.singleFamilyCap);
  const corroborating = [...familyScores.values()].filter((s) => s >= 0.4).length;
  if (corroborating > 1) risk += config.corroborationBonus * (corroborating - 1);
  if (!options.mature) risk = Math.min(risk, config.immatureCap);
  risk = Math.round(Math.min(1, risk) * 1000) / 1000;

  return {
    risk,
    severity: severityOf(risk, config),
    families: [...familyScores.entries()].sort((a, b) => b[1] - a[1]).map(([f]) => f),
    findings: counted,
  };
}

/** Maps a risk to its severity; undefined below the `low` threshold. */
export function severityOf(risk: number, config: RiskConfig): Severity | undefined {
  let result: Severity | undefined;
  for (const severity of SEVERITIES) {
    if (risk >= config.severity[severity]) result = severity;
  }
  return result;
}

/** Orders severities: low is 1, critical is 4, none is 0. */
export function severityRank(severity: Severity | undefined): number {
  return severity === undefined ? 0 : SEVERITIES.indexOf(severity) + 1;
}
