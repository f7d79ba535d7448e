import { describe, expect, it } from 'vitest';
import type { Alert } from '../../alerts/alert.ts';
import { revocationConfigSchema } from '../../alerts/revocation/config.ts';
import { RevocationLimiter } from '../../alerts/revocation/limiter.ts';
import { decideRevocation } from '../../alerts/revocation/policy.ts';

const HOUR_MS = 3_600_000;
const endpoint = { type: 'json', url: 'http://127.0.0.1:1/revoke' };

function alertFor(principal: string, severity: Alert['severity'] = 'critical'): Alert {
  return {
    id: `a-${principal}`,
    timestamp: 0,
    principal,
    credential: `fp-${principal}`,
    severity,
    risk: 0.9,
    windowStartMs: 0,
    windowEndMs: 0,
    baselineVersion: 1,
    findings: [],
    sourceIps: [],
  };
}

describe('decideRevocation', () => {
  it('off decides nothing', () => {
    const config = revocationConfigSchema.parse({ mode: 'off' });
    const limiter = new RevocationLimiter(5, 1);
    expect(decideRevocation(alertFor('a'), config, limiter, 0)).toBeUndefined();
  });

  it('dry-run is the default', () => {
    const config = revocationConfigSchema.parse({});
    const limiter = new RevocationLimiter(config.maxPerHour, config.maxPerPrincipalPerHour);
    expect(decideRevocation(alertFor('a'), config, limiter, 0)).toEqual({
      decision: 'would_revoke',
      reason: 'policy',
    });
  });

  it('refuses below the minimum severity', () => {
    const config = revocationConfigSchema.parse({ mode: 'enforce', minSeverity: 'high', endpoint });
    const limiter = new RevocationLimiter(5, 1);
    expect(decideRevocation(alertFor('a', 'medium'), config, limiter, 0)).toEqual({
      decision: 'refused',
      reason: 'below_min_severity',
    });
    expect(decideRevocation(alertFor('a', 'high'), config, limiter, 0)?.decision).toBe('revoke');
  });

  it('never revokes a protected principal', () => {
    const config = revocationConfigSchema.parse({
      mode: 'enforce',
      protectedPrincipals: ['payments'],
      endpoint,
    });
    const limiter = new RevocationLimiter(5, 1);
    expect(decideRevocation(alertFor('payments'), config, limiter, 0)).toEqual({
      decision: 'refused',
      reason: 'protected_principal',
    });
  });

  it('limits revocations per hour', () => {
    const config = revocationConfigSchema.parse({ mode: 'enforce', maxPerHour: 5, endpoint });
    const limiter = new RevocationLimiter(config.maxPerHour, config.maxPerPrincipalPerHour);
    const decisions = Array.from({ length: 50 }, (_, i) =>
      decideRevocation(alertFor(`svc-${i}`), config, limiter, i * 1000),
    );
    expect(decisions.filter((d) => d?.decision === 'revoke')).toHaveLength(5);
    expect(decisions.filter((d) => d?.reason === 'rate_limit_hour')).toHaveLength(45);
    expect(decisions.slice(0, 5).every((d) => d?.decision === 'revoke')).toBe(true);
  });

  it('frees a slot after an hour', () => {
    const config = revocationConfigSchema.parse({ mode: 'enforce', maxPerHour: 1, endpoint });
    const limiter = new RevocationLimiter(1, 1);
    expect(decideRevocation(alertFor('a'), config, limiter, 0)?.decision).toBe('revoke');
    expect(decideRevocation(alertFor('b'), config, limiter, HOUR_MS - 1)?.reason).toBe(
      'rate_limit_hour',
    );
    expect(decideRevocation(alertFor('b'), config, limiter, HOUR_MS)?.decision).toBe('revoke');
  });

  it('limits revocations per principal', () => {
    const config = revocationConfigSchema.parse({ mode: 'enforce', endpoint });
    const limiter = new RevocationLimiter(5, 1);
    expect(decideRevocation(alertFor('a'), config, limiter, 0)?.decision).toBe('revoke');
    expect(decideRevocation(alertFor('a'), config, limiter, 1)).toEqual({
      decision: 'refused',
      reason: 'rate_limit_principal',
    });
    expect(decideRevocation(alertFor('b'), config, limiter, 2)?.decision).toBe('revoke');
  });

  it('rejects enforce without an endpoint', () => {
    const result = revocationConfigSchema.safeParse({ mode: 'enforce' });
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.message).toContain('needs an endpoint');
  });
});
