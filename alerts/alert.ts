import type { Finding } from '../detectors/finding.ts';

export const SEVERITIES = ['low', 'medium', 'high', 'critical'] as const;
export type Severity = (typeof SEVERITIES)[number];

/**
 * An alert raised by the scorer: the risk of one principal over a window, with the findings that
 * made it. Serialised as JSON with these field names; `timestamp` is UTC milliseconds.
 */
export interface Alert {
  /** Stable id, derived from principal, detector set and window start, so a replay gives the same id. */
  id: string;
  timestamp: number;
  principal: string;
  /** Credential fingerprint (keyed hash), never the credential. */
  credential: string;
  severity: Severity;
  /** Combined risk from 0 to 1. */
  risk: number;
  windowStartMs: number;
  windowEndMs: number;
  /** Baseline version the findings were scored against; 0 for a peer-group prior only. */
  baselineVersion: number;
  findings: Finding[];
  /** Source addresses seen in the window, for the responder and for revocation decisions. */
  sourceIps: string[];
  /** Revocation policy decision for this alert, set by the alert pipeline. */
  revocation?: RevocationNote;
}

export const ALERT_STATUSES = ['open', 'acked', 'dismissed'] as const;
export type AlertStatus = (typeof ALERT_STATUSES)[number];

/** The revocation policy's decision, carried in the delivered alert so responders see it. */
export interface RevocationNote {
  decision: 'revoke' | 'would_revoke' | 'refused';
  /** Why, for example `rate_limit_hour` or `protected_principal`. */
  reason: string;
}

/** Returns the alert's detector names, sorted and without repeats: the key suppression uses. */
export function detectorSet(alert: Pick<Alert, 'findings'>): string[] {
  return [...new Set(alert.findings.map((finding) => finding.detector))].sort();
}

/** Returns true when severity `a` is at least `b`. */
export function severityAtLeast(a: Severity, b: Severity): boolean {
  return SEVERITIES.indexOf(a) >= SEVERITIES.indexOf(b);
}
