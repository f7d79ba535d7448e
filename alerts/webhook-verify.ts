import { timingSafeEqual } from 'node:crypto';
import { EastwatchError } from '../core/errors.ts';
import { decodeWebhookSecret, signatureOf } from './webhook-signature.ts';

export type WebhookRejection =
  | 'missing_headers'
  | 'invalid_timestamp'
  | 'timestamp_out_of_tolerance'
  | 'invalid_signature'
  | 'replayed';

/**
 * A webhook request failed verification. `reason` is stable. A `replayed` request carries a valid
 * signature for an id already processed, so a receiver should respond with 2xx to stop retries.
 */
export class WebhookVerificationError extends EastwatchError {
  constructor(
    readonly reason: WebhookRejection,
    message: string,
  ) {
    super('WEBHOOK_REJECTED', message, { retriable: false, context: { reason } });
  }
}

/** Ids of messages already accepted, so a replay of a captured request is rejected. */
export interface ReplayCache {
  has(messageId: string): boolean;
  add(messageId: string, expiresAtMs: number): void;
}

/** A {@link ReplayCache} in memory. Entries are dropped after they expire. */
export class MemoryReplayCache implements ReplayCache {
  readonly #expiries = new Map<string, number>();

  constructor(private readonly now: () => number = Date.now) {}

  has(messageId: string): boolean {
    const expiresAtMs = this.#expiries.get(messageId);
    return expiresAtMs !== undefined && expiresAtMs > this.now();
  }

  add(messageId: string, expiresAtMs: number): void {
    this.#expiries.set(messageId, expiresAtMs);
    if (this.#expiries.size % 1024 === 0) this.#prune();
  }

  delete(messageId: string): void {
    this.#expiries.delete(messageId);
  }

  #prune(): void {
    const now = this.now();
    for (const [id, expiresAtMs] of this.#expiries) {
      if (expiresAtMs <= now) this.#expiries.delete(id);
    }
  }
}

export interface VerifyOptions {
  /** Secrets the receiver accepts (`whsec_...`); several during a rotation. */
  secrets: readonly string[];
  /** Maximum distance between the timestamp header and now, in seconds. Default 300. */
  toleranceSeconds?: number;
  /** When given, an id seen before is rejected and an accepted id is added. */
  replayCache?: ReplayCache;
  now?: () => number;
}

/** Request headers: Node's `IncomingHttpHeaders` (lower-case names) or a fetch `Headers`. */
export type WebhookHeaders = Record<string, string | string[] | undefined> | Headers;

export interface VerifiedWebhook {
  messageId: string;
  timestampSeconds: number;
}

/**
 * Verifies a Standard Webhooks request: the `webhook-id`, `webhook-timestamp` and
 * `webhook-signature` headers against the raw body. At least one `v1` signature must match one of
 * the secrets, compared in constant time. Throws {@link WebhookVerificationError}.
 */
export function verifyWebhook(
  headers: WebhookHeaders,
  body: string,
  options: VerifyOptions,
): VerifiedWebhook {
  const messageId = header(headers, 'webhook-id');
  const timestampText = header(headers, 'webhook-timestamp');
  const signatures = header(headers, 'webhook-signature');
  if (!messageId || !timestampText || !signatures) {
    throw new WebhookVerificationError(
      'missing_headers',
      'request lacks webhook-id, webhook-timestamp or webhook-signature',
    );
  }

  const nowMs = (options.now ?? Date.now)();
  const timestampSeconds = checkTimestamp(timestampText, nowMs, options.toleranceSeconds ?? 300);
  checkSignature(options.secrets, messageId, timestampSeconds, body, signatures);

  if (options.replayCache?.has(messageId)) {
    throw new WebhookVerificationError('replayed', `webhook-id ${messageId} was already accepted`);
  }
  // The id must be remembered at least as long as its timestamp is accepted.
  const toleranceMs = (options.toleranceSeconds ?? 300) * 1000;
  options.replayCache?.add(messageId, timestampSeconds * 1000 + toleranceMs + 1000);
  return { messageId, timestampSeconds };
}

function header(headers: WebhookHeaders, name: string): string {
  if (headers instanceof Headers) return headers.get(name) ?? '';
  const value = headers[name];
  return Array.isArray(value) ? (value[0] ?? '') : (value ?? '');
}

function checkTimestamp(text: string, nowMs: number, toleranceSeconds: number): number {
  if (!/^\d{1,12}$/.test(text)) {
    throw new WebhookVerificationError(
      'invalid_timestamp',
      `webhook-timestamp ${JSON.stringify(text.slice(0, 20))} is not whole seconds since the epoch`,
    );
  }
  const timestampSeconds = Number(text);
  if (Math.abs(nowMs / 1000 - timestampSeconds) > toleranceSeconds) {
    throw new WebhookVerificationError(
      'timestamp_out_of_tolerance',
      `webhook-timestamp ${timestampSeconds} is more than ${toleranceSeconds} s from now`,
    );
  }
  return timestampSeconds;
}

function checkSignature(
  secrets: readonly string[],
  messageId: string,
  timestampSeconds: number,
  body: string,
  header: string,
): void {
  const offered = header
    .split(' ')
    .filter((part) => part.startsWith('v1,'))
    .map((part) => Buffer.from(part.slice(3), 'base64'));

  for (const secret of secrets) {
    const expected = Buffer.from(
      signatureOf(decodeWebhookSecret(secret), messageId, timestampSeconds, body),
      'base64',
    );
    const match = offered.some(
      (signature) => signature.length === expected.length && timingSafeEqual(signature, expected),
    );
    if (match) return;
  }
  throw new WebhookVerificationError(
    'invalid_signature',
    'no v1 signature in webhook-signature matches a configured secret',
  );
}
