import { SEVERITIES, type Alert } from './alert.ts';
import type { Finding } from '../detectors/finding.ts';

/** Findings kept on one alert; the oldest are dropped past this. */
export const MAX_FINDINGS_PER_ALERT = 100;

/**
 * Folds a later alert into the one that suppresses it: the earlier alert keeps its id and time,
 * and takes the union of findings and source addresses, the wider window, the higher severity and
 * risk, and the newer baseline version.
 */
export function foldAlert(existing: Alert, later: Alert): Alert {
  const severity =
    SEVERITIES.indexOf(later.severity) > SEVERITIES.indexOf(existing.severity)
      ? later.severity
      : existing.severity;
  return {
    ...existing,
    severity,
    risk: Math.max(existing.risk, later.risk),
    windowStartMs: Math.min(existing.windowStartMs, later.windowStartMs),
    windowEndMs: Math.max(existing.windowEndMs, later.windowEndMs),
    baselineVersion: Math.max(existing.baselineVersion, later.baselineVersion),
    findings: mergeFindings(existing.findings, later.findings),
    sourceIps: [...new Set([...existing.sourceIps, ...later.sourceIps])].sort(),
  };
}

function mergeFindings(a: readonly Finding[], b: readonly Finding[]): Finding[] {
  const byKey = new Map<string, Finding>();
  for (const finding of [...a, ...b]) {
    byKey.set(
      `${finding.detector}\u0000${finding.timestampMs}\u0000${finding.explanation}`,
      finding,
    );
  }
  const merged = [...byKey.values()].sort((x, y) => x.timestampMs - y.timestampMs);
  return merged.slice(-MAX_FINDINGS_PER_ALERT);
}
