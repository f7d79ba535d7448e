import { severityAtLeast, type Alert, type RevocationNote } from '../alert.ts';
import type { RevocationConfig } from './config.ts';
import type { RevocationLimiter } from './limiter.ts';

/**
 * Decides what the revocation policy does with an alert, in this order: `off` decides nothing
 * (returns undefined), alerts below the minimum severity and protected principals are refused,
 * then the hourly limits apply. An allowed decision is `revoke` in `enforce` mode and `would_revoke`
 * in `dry-run`. Both take a slot of the limits, so a dry run shows what enforce would do.
 */
export function decideRevocation(
  alert: Alert,
  config: RevocationConfig,
  limiter: RevocationLimiter,
  nowMs: number,
): RevocationNote | undefined {
  if (config.mode === 'off') return undefined;

  if (!severityAtLeast(alert.severity, config.minSeverity)) {
    return { decision: 'refused', reason: 'below_min_severity' };
  }
  if (config.protectedPrincipals.includes(alert.principal)) {
    return { decision: 'refused', reason: 'protected_principal' };
  }

  const limit = limiter.check(alert.principal, nowMs);
  if (limit !== undefined) return { decision: 'refused', reason: limit };

  limiter.take(alert.principal, nowMs);
  return { decision: config.mode === 'enforce' ? 'revoke' : 'would_revoke', reason: 'policy' };
}
