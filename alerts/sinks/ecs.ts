import type { Alert, Severity } from '../alert.ts';

/** ECS `event.severity` is a number; eastwatch's four levels map to 1 (low) to 4 (critical). */
const SEVERITY_NUMBER: Record<Severity, number> = { low: 1, medium: 2, high: 3, critical: 4 };

/**
 * Maps an alert to an Elastic Common Schema document. ECS fields carry the time, the principal as
 * `user.name`, addresses, routes and the detectors as `rule.name`. The rest, including each
 * finding's evidence, goes under the custom `eastwatch` namespace. Evidence is a JSON string
 * because its keys differ per detector and would clash in an index mapping.
 */
export function ecsDocument(alert: Alert, messageId: string): Record<string, unknown> {
  const detectors = [...new Set(alert.findings.map((f) => f.detector))].sort();
  return {
    '@timestamp': new Date(alert.timestamp).toISOString(),
    message: alert.findings.map((f) => f.explanation).join(' '),
    ecs: { version: '8.11.0' },
    event: {
      kind: 'alert',
      category: ['iam'],
      type: ['info'],
      id: alert.id,
      dataset: 'eastwatch.alert',
      severity: SEVERITY_NUMBER[alert.severity],
      risk_score: Math.round(alert.risk * 10000) / 100,
      start: new Date(alert.windowStartMs).toISOString(),
      end: new Date(alert.windowEndMs).toISOString(),
    },
    user: { name: alert.principal },
    ...(alert.sourceIps[0] === undefined ? {} : { source: { ip: alert.sourceIps[0] } }),
    related: { ip: alert.sourceIps, user: [alert.principal] },
    rule: { name: detectors.join(','), ruleset: 'eastwatch' },
    ...evidenceFields(alert),
    eastwatch: {
      message_id: messageId,
      credential_fingerprint: alert.credential,
      severity: alert.severity,
      risk: alert.risk,
      baseline_version: alert.baselineVersion,
      detectors,
      findings: alert.findings.map((f) => ({
        detector: f.detector,
        score: f.score,
        timestamp: new Date(f.timestampMs).toISOString(),
        explanation: f.explanation,
        evidence: JSON.stringify(f.evidence),
        event_ids: f.eventIds,
      })),
      ...(alert.revocation === undefined ? {} : { revocation: alert.revocation }),
    },
  };
}

/** Copies the first `route`, `host`, `method` and `userAgent` evidence values to their ECS fields. */
function evidenceFields(alert: Alert): Record<string, unknown> {
  const first = (key: string): string | undefined => {
    for (const finding of alert.findings) {
      const value = finding.evidence[key];
      if (typeof value === 'string') return value;
    }
    return undefined;
  };
  const route = first('route');
  const host = first('host');
  const method = first('method');
  const userAgent = first('userAgent');
  return {
    ...(route === undefined ? {} : { url: { path: route } }),
    ...(host === undefined ? {} : { destination: { domain: host } }),
    ...(method === undefined ? {} : { http: { request: { method } } }),
    ...(userAgent === undefined ? {} : { user_agent: { original: userAgent } }),
  };
}
