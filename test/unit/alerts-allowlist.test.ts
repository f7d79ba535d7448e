import { describe, expect, it } from 'vitest';
import type { Alert } from '../../alerts/alert.ts';
import { compileAllowlist, matchAllowlist } from '../../alerts/allowlist.ts';
import { allowlistRuleSchema } from '../../alerts/config.ts';

const nowMs = Date.parse('2026-03-02T12:00:00Z');

const alert: Alert = {
  id: 'a1',
  timestamp: nowMs,
  principal: 'backup-job',
  credential: 'fp1',
  severity: 'high',
  risk: 0.8,
  windowStartMs: Date.parse('2026-03-02T02:00:00Z'),
  windowEndMs: Date.parse('2026-03-02T02:05:00Z'),
  baselineVersion: 1,
  findings: [
    {
      detector: 'new-route',
      score: 0.9,
      timestampMs: nowMs,
      explanation: 'new route',
      evidence: { route: '/api/v1/export/{id}' },
      eventIds: [],
    },
  ],
  sourceIps: ['10.1.2.3', '10.200.0.1'],
};

function rules(...raw: object[]) {
  return compileAllowlist(
    raw.map((r) =>
      allowlistRuleSchema.parse({ reason: 'expected', expiresAt: '2026-04-01T00:00:00Z', ...r }),
    ),
  );
}

describe('matchAllowlist', () => {
  it('matches a principal glob', () => {
    expect(matchAllowlist(rules({ principal: 'backup-*' }), alert, nowMs)?.reason).toBe('expected');
  });

  it('stays silent for another principal', () => {
    expect(matchAllowlist(rules({ principal: 'chat-bot' }), alert, nowMs)).toBeUndefined();
  });

  it('needs every address in the network', () => {
    expect(matchAllowlist(rules({ network: '10.0.0.0/8' }), alert, nowMs)).toBeDefined();
    expect(matchAllowlist(rules({ network: '10.1.0.0/16' }), alert, nowMs)).toBeUndefined();
  });

  it('matches IPv6 networks only for IPv6', () => {
    const v6 = { ...alert, sourceIps: ['2001:db8::5'] };
    expect(matchAllowlist(rules({ network: '2001:db8::/32' }), v6, nowMs)).toBeDefined();
    expect(matchAllowlist(rules({ network: '2001:db8::/32' }), alert, nowMs)).toBeUndefined();
  });

  it('matches route evidence', () => {
    expect(matchAllowlist(rules({ route: '/api/v1/export/*' }), alert, nowMs)).toBeDefined();
    expect(matchAllowlist(rules({ route: '/api/v1/admin/*' }), alert, nowMs)).toBeUndefined();
  });

  it('needs the window inside the time range', () => {
    const range = { from: '2026-03-02T01:00:00Z', until: '2026-03-02T03:00:00Z' };
    expect(matchAllowlist(rules(range), alert, nowMs)).toBeDefined();
    const tooEarly = { from: '2026-03-02T02:01:00Z', until: '2026-03-02T03:00:00Z' };
    expect(matchAllowlist(rules(tooEarly), alert, nowMs)).toBeUndefined();
  });

  it('ignores an expired rule', () => {
    const expired = rules({ principal: 'backup-job', expiresAt: '2026-03-02T11:59:59Z' });
    expect(matchAllowlist(expired, alert, nowMs)).toBeUndefined();
  });

  it('requires all conditions of one rule', () => {
    const both = rules({ principal: 'backup-job', network: '192.168.0.0/16' });
    expect(matchAllowlist(both, alert, nowMs)).toBeUndefined();
  });

  it('rejects an invalid CIDR', () => {
    expect(() => rules({ network: '10.0.0.0/33' })).toThrow(/not a CIDR network/);
  });

  it('escapes regex characters in patterns', () => {
    expect(matchAllowlist(rules({ principal: 'backup.job' }), alert, nowMs)).toBeUndefined();
  });
});
