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
}
