const MAX_JWT_CHARS = 16_384;

/**
 * Decodes the payload of a compact JWS (`header.payload.signature`) without verifying it: the
 * proxy that logged the request has already verified the token, and eastwatch reads the claims
 * only to name the caller. Returns undefined for anything that is not a JWT with a JSON object
 * payload.
 */
export function decodeJwtClaims(token: string): Record<string, unknown> | undefined {
  if (token.length > MAX_JWT_CHARS) return undefined;
  const parts = token.split('.');
  if (parts.length !== 3) return undefined;
  const payload = parts[1] ?? '';
  if (!/^[A-Za-z0-9_-]+$/.test(payload)) return undefined;

  try {
    const claims: unknown = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
    if (typeof claims !== 'object' || claims === null || Array.isArray(claims)) return undefined;
    return claims as Record<string, unknown>;
  } catch {
    return undefined;
  }
}

/** Returns the claim at a dotted path as text: strings as they are, numbers in decimal, else ''. */
export function claimText(claims: Record<string, unknown>, path: string): string {
  const value = valueAtPath(claims, path);
  if (typeof value === 'string') return value;
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  return '';
}

/**
 * Reads a dotted path (`userIdentity.arn`) from a decoded JSON value. A key that itself contains
 * dots is found too when it is written whole, as in `user.extra.authentication.kubernetes.io/x`.
 */
export function valueAtPath(root: unknown, path: string): unknown {
  let current: unknown = root;
  let remaining = path;
  while (remaining !== '') {
    if (typeof current !== 'object' || current === null) return undefined;
    const record = current as Record<string, unknown>;
    if (Object.hasOwn(record, remaining)) return record[remaining];
    const dot = remaining.indexOf('.');
    const key = dot < 0 ? remaining : remaining.slice(0, dot);
    if (!Object.hasOwn(record, key)) return undefined;
    current = record[key];
    remaining = dot < 0 ? '' : remaining.slice(dot + 1);
  }
  return current;
}
