import type { RawRequest } from '../parsers/raw-request.ts';
import { bearerToken } from './credential.ts';
import { claimText, decodeJwtClaims, valueAtPath } from './jwt.ts';

/**
 * Applies a principal rule (see `principalRuleSchema`) to a parsed request. An undefined rule
 * takes the identity the format names itself. A rule that finds nothing, or finds `-`, gives ''.
 */
export function resolvePrincipal(rule: string | undefined, raw: RawRequest): string {
  const value = principalValue(rule, raw);
  return value === '-' ? '' : value.trim();
}

function principalValue(rule: string | undefined, raw: RawRequest): string {
  if (rule === undefined) return raw.nativePrincipal || raw.remoteUser;
  if (rule === 'user') return raw.remoteUser;
  if (rule === 'ip') return raw.sourceIp;
  if (rule === 'mtls') return raw.mtlsIdentity;

  const colon = rule.indexOf(':');
  const kind = rule.slice(0, colon);
  const argument = rule.slice(colon + 1);
  if (kind === 'header') return raw.headers[argument.toLowerCase()] ?? '';
  if (kind === 'field') return fieldText(raw.document, argument);
  if (kind === 'jwt') {
    const claims = decodeJwtClaims(bearerToken(raw));
    return claims === undefined ? '' : claimText(claims, argument);
  }
  return '';
}

function fieldText(document: unknown, path: string): string {
  const value = valueAtPath(document, path);
  if (typeof value === 'string') return value;
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  return '';
}

/** Reads the URI SAN from an `x-forwarded-client-cert` header (Envoy's `By=...;URI=...`). */
export function xfccUri(header: string): string {
  const firstCert = header.split(',')[0] ?? '';
  for (const pair of firstCert.split(';')) {
    if (pair.startsWith('URI=')) return pair.slice(4).replace(/^"|"$/g, '');
  }
  return '';
}
