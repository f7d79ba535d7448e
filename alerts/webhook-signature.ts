import { createHmac } from 'node:crypto';
import { ConfigError } from '../core/errors.ts';

/** Prefix of Standard Webhooks secrets; the rest is the base64 key. */
export const WEBHOOK_SECRET_PREFIX = 'whsec_';

/**
 * Decodes a Standard Webhooks secret (`whsec_` and base64) to the HMAC key. Without the prefix the
 * whole text is read as base64, as the reference libraries do.
 */
export function decodeWebhookSecret(secret: string, key = 'webhook secret'): Buffer {
  const encoded = secret.startsWith(WEBHOOK_SECRET_PREFIX)
    ? secret.slice(WEBHOOK_SECRET_PREFIX.length)
    : secret;
  const bytes = Buffer.from(encoded, 'base64');
  if (bytes.length < 16 || !/^[A-Za-z0-9+/]+={0,2}$/.test(encoded)) {
    throw new ConfigError(
      `${key}: the secret is not \`whsec_\` followed by base64 of at least 16 bytes; ` +
        'generate one with `echo whsec_$(openssl rand -base64 32)`',
      { context: { key } },
    );
  }
  return bytes;
}

/** Returns the base64 HMAC-SHA256 of `id.timestamp.body`, the signed content of Standard Webhooks. */
export function signatureOf(
  key: Buffer,
  messageId: string,
  timestampSeconds: number,
  body: string,
): string {
  return createHmac('sha256', key)
    .update(`${messageId}.${timestampSeconds}.${body}`)
    .digest('base64');
}

/** Builds the `webhook-signature` header: one `v1,<signature>` per key, separated by spaces. */
export function signatureHeader(
  keys: readonly Buffer[],
  messageId: string,
  timestampSeconds: number,
  body: string,
): string {
  return keys.map((key) => `v1,${signatureOf(key, messageId, timestampSeconds, body)}`).join(' ');
}
