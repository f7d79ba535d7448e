import { describe, expect, it } from 'vitest';
import type { Alert } from '../../alerts/alert.ts';
import { alertsConfigSchema, splunkSinkSchema } from '../../alerts/config.ts';
import { ecsDocument } from '../../alerts/sinks/ecs.ts';
import { alertAvroType, encodeAlert } from '../../alerts/sinks/kafka.ts';
import { splunkEnvelope } from '../../alerts/sinks/splunk.ts';
import { webhookBody } from '../../alerts/sinks/webhook.ts';
import { createAlertPipeline } from '../../alerts/pipeline.ts';
import { parseConfig } from '../../core/config.ts';
import { foldAlert, MAX_FINDINGS_PER_ALERT } from '../../alerts/suppression.ts';
import type { Finding } from '../../detectors/finding.ts';

function finding(
  detector: string,
  timestampMs: number,
  evidence: Finding['evidence'] = {},
): Finding {
  return {
    detector,
    score: 0.7,
    timestampMs,
    explanation: `${detector} at ${timestampMs}`,
    evidence,
    eventIds: ['e1'],
  };
}

const alert: Alert = {
  id: 'alert-1',
  timestamp: Date.parse('2026-03-02T03:04:05.678Z'),
  principal: 'chat-bot',
  credential: 'fp-abc',
  severity: 'critical',
  risk: 0.9234,
  windowStartMs: Date.parse('2026-03-02T03:00:00Z'),
  windowEndMs: Date.parse('2026-03-02T03:05:00Z'),
  baselineVersion: 7,
  findings: [
    finding('off-hours', 1000, { hourOfWeek: 3, probability: 0.001 }),
    finding('new-route', 2000, {
      route: '/rest/api/2/issue/{id}',
      host: 'jira.corp',
      method: 'GET',
    }),
  ],
  sourceIps: ['198.51.100.4', '198.51.100.5'],
  revocation: { decision: 'refused', reason: 'rate_limit_hour' },
};

describe('ecsDocument', () => {
  it('maps standard fields', () => {
    const document = ecsDocument(alert, 'msg_1');
    expect(document['@timestamp']).toBe('2026-03-02T03:04:05.678Z');
    expect(document['event']).toEqual({
      kind: 'alert',
      category: ['iam'],
      type: ['info'],
      id: 'alert-1',
      dataset: 'eastwatch.alert',
      severity: 4,
      risk_score: 92.34,
      start: '2026-03-02T03:00:00.000Z',
      end: '2026-03-02T03:05:00.000Z',
    });
    expect(document['user']).toEqual({ name: 'chat-bot' });
    expect(document['source']).toEqual({ ip: '198.51.100.4' });
    expect(document['related']).toEqual({
      ip: ['198.51.100.4', '198.51.100.5'],
      user: ['chat-bot'],
    });
    expect(document['rule']).toEqual({ name: 'new-route,off-hours', ruleset: 'eastwatch' });
    expect(document['url']).toEqual({ path: '/rest/api/2/issue/{id}' });
    expect(document['destination']).toEqual({ domain: 'jira.corp' });
    expect(document['http']).toEqual({ request: { method: 'GET' } });
    expect(document['user_agent']).toBeUndefined();
  });

  it('keeps evidence in custom fields', () => {
    const custom = ecsDocument(alert, 'msg_1')['eastwatch'] as Record<string, unknown>;
    expect(custom['credential_fingerprint']).toBe('fp-abc');
    expect(custom['baseline_version']).toBe(7);
    expect(custom['revocation']).toEqual({ decision: 'refused', reason: 'rate_limit_hour' });
    const findings = custom['findings'] as { evidence: string }[];
    expect(JSON.parse(findings[0]!.evidence)).toEqual({ hourOfWeek: 3, probability: 0.001 });
  });

  it('omits source without addresses', () => {
    expect(ecsDocument({ ...alert, sourceIps: [] }, 'msg_1')['source']).toBeUndefined();
  });
});

describe('splunkEnvelope', () => {
  it('wraps the alert as an event', () => {
    const config = splunkSinkSchema.parse({
      type: 'splunk',
      name: 'splunk',
      url: 'https://127.0.0.1:8088/services/collector/event',
      token: { env: 'HEC' },
    });
    const signal = new AbortController().signal;
    const envelope: unknown = JSON.parse(
      splunkEnvelope(config, { alert, messageId: 'msg_1', signal }),
    );
    expect(envelope).toEqual({
      time: 1772420645.678,
      source: 'eastwatch',
      sourcetype: 'eastwatch:alert',
      event: { ...alert, message_id: 'msg_1' },
    });
  });
});

describe('encodeAlert', () => {
  it('round-trips Avro', () => {
    const decoded = alertAvroType.fromBuffer(encodeAlert(alert, 'msg_1', 'avro')) as Record<
      string,
      unknown
    >;
    expect(decoded).toEqual({
      id: 'alert-1',
      messageId: 'msg_1',
      timestamp: alert.timestamp,
      principal: 'chat-bot',
      credential: 'fp-abc',
      severity: 'critical',
      risk: 0.9234,
      windowStartMs: alert.windowStartMs,
      windowEndMs: alert.windowEndMs,
      baselineVersion: 7,
      findingsJson: JSON.stringify(alert.findings),
      sourceIps: ['198.51.100.4', '198.51.100.5'],
      revocationDecision: 'refused',
      revocationReason: 'rate_limit_hour',
    });
  });

  it('writes JSON with the message id', () => {
    expect(JSON.parse(encodeAlert(alert, 'msg_1', 'json').toString())).toEqual({
      ...alert,
      messageId: 'msg_1',
    });
  });
});

describe('webhookBody', () => {
  it('uses the type, timestamp, data shape', () => {
    const signal = new AbortController().signal;
    expect(JSON.parse(webhookBody({ alert, messageId: 'msg_1', signal }))).toEqual({
      type: 'alert.created',
      timestamp: '2026-03-02T03:04:05.678Z',
      data: alert,
    });
  });
});

describe('foldAlert', () => {
  const existing: Alert = {
    ...alert,
    severity: 'medium',
    risk: 0.5,
    revocation: undefined,
    findings: [finding('new-route', 1000)],
  };

  it('merges findings and widens the window', () => {
    const later: Alert = {
      ...existing,
      id: 'alert-2',
      timestamp: existing.timestamp + 60_000,
      severity: 'high',
      risk: 0.8,
      windowStartMs: existing.windowStartMs + 60_000,
      windowEndMs: existing.windowEndMs + 60_000,
      baselineVersion: 8,
      findings: [finding('new-route', 1000), finding('new-route', 3000)],
      sourceIps: ['192.0.2.1'],
    };
    const folded = foldAlert(existing, later);
    expect(folded.id).toBe('alert-1');
    expect(folded.timestamp).toBe(existing.timestamp);
    expect(folded.severity).toBe('high');
    expect(folded.risk).toBe(0.8);
    expect(folded.windowStartMs).toBe(existing.windowStartMs);
    expect(folded.windowEndMs).toBe(later.windowEndMs);
    expect(folded.baselineVersion).toBe(8);
    expect(folded.findings.map((f) => f.timestampMs)).toEqual([1000, 3000]);
    expect(folded.sourceIps).toEqual(['192.0.2.1', '198.51.100.4', '198.51.100.5']);
  });

  it('keeps the higher severity', () => {
    const lower: Alert = { ...existing, severity: 'low', risk: 0.1 };
    expect(foldAlert({ ...existing, severity: 'critical' }, lower).severity).toBe('critical');
  });

  it('caps the findings', () => {
    const many = Array.from({ length: MAX_FINDINGS_PER_ALERT + 10 }, (_, i) =>
      finding('new-route', i + 2),
    );
    const folded = foldAlert(existing, { ...existing, findings: many });
    expect(folded.findings).toHaveLength(MAX_FINDINGS_PER_ALERT);
    // 111 distinct findings (timestamps 2 to 111, and 1000) lose the 11 oldest.
    expect(folded.findings[0]!.timestampMs).toBe(13);
    expect(folded.findings.at(-1)!.timestampMs).toBe(1000);
  });
});

describe('alertsConfigSchema', () => {
  it('defaults to dry-run with no sinks', () => {
    const config = alertsConfigSchema.parse(undefined);
    expect(config.sinks).toEqual([]);
    expect(config.revocation.mode).toBe('dry-run');
    expect(config.suppressionWindowMs).toBe(3_600_000);
  });

  it('rejects duplicate sink names', () => {
    const sink = { type: 'kafka', name: 'k', topic: 'alerts' };
    const result = alertsConfigSchema.safeParse({ sinks: [sink, sink] });
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.path).toEqual(['sinks', 1, 'name']);
  });

  it('rejects a webhook without secrets', () => {
    const sink = { type: 'webhook', name: 'w', url: 'https://127.0.0.1/hook', secrets: [] };
    expect(alertsConfigSchema.safeParse({ sinks: [sink] }).success).toBe(false);
  });

  it('names the key of a bad secret', () => {
    const config = parseConfig({
      alerts: {
        sinks: [
          { type: 'webhook', name: 'soc', url: 'https://127.0.0.1/hook', secrets: [{ env: 'S' }] },
        ],
      },
    });
    expect(() => createAlertPipeline(config, { env: { S: 'whsec_c2hvcnQ=' } })).toThrow(
      /^alerts\.sinks\.soc\.secrets\.0: the secret is not `whsec_`/,
    );
    expect(() => createAlertPipeline(config, { env: {} })).toThrow(
      /alerts\.sinks\.soc\.secrets\.0: environment variable S is not set/,
    );
  });

  it('reads revocation secrets at construction', () => {
    const config = parseConfig({
      alerts: {
        revocation: {
          mode: 'enforce',
          endpoint: {
            type: 'oauth2',
            url: 'https://127.0.0.1/revoke',
            clientId: 'eastwatch',
            clientSecret: { env: 'CLIENT_SECRET' },
            tokens: { 'chat-bot': { env: 'CHAT_BOT_TOKEN' } },
          },
        },
      },
    });
    expect(() => createAlertPipeline(config, { env: { CLIENT_SECRET: 'x' } })).toThrow(
      /alerts\.revocation\.endpoint\.tokens\.chat-bot: environment variable CHAT_BOT_TOKEN/,
    );
  });

  it('rejects a non-http url', () => {
    const sink = { type: 'webhook', name: 'w', url: 'file:///etc/passwd', secrets: [{ env: 'S' }] };
    expect(alertsConfigSchema.safeParse({ sinks: [sink] }).success).toBe(false);
  });
});
