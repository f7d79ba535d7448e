import { describe, expect, it } from 'vitest';
import {
  decodeWebhookSecret,
  signatureHeader,
  signatureOf,
} from '../../alerts/webhook-signature.ts';
import {
  MemoryReplayCache,
  verifyWebhook,
  WebhookVerificationError,
  type WebhookRejection,
} from '../../alerts/webhook-verify.ts';

const secret = `whsec_${Buffer.alloc(32, 0x2a).toString('base64')}`;
const otherSecret = `whsec_${Buffer.alloc(32, 0x17).toString('base64')}`;
const nowMs = 1_700_000_000_000;
const timestamp = nowMs / 1000;
const body = '{"type":"alert.created","data":{"principal":"chat-bot"}}';

function signedHeaders(id: string, ts: number, secrets: string[] = [secret]) {
  return {
    'webhook-id': id,
    'webhook-timestamp': String(ts),
    'webhook-signature': signatureHeader(
      secrets.map((s) => decodeWebhookSecret(s)),
      id,
      ts,
      body,
    ),
  };
}

function rejection(run: () => unknown): WebhookRejection | undefined {
  try {
    run();
  } catch (error) {
    if (error instanceof WebhookVerificationError) return error.reason;
    throw error;
  }
  return undefined;
}

describe('verifyWebhook', () => {
  const now = () => nowMs;

  it('accepts a valid signature', () => {
    const result = verifyWebhook(signedHeaders('msg_1', timestamp), body, {
      secrets: [secret],
      now,
    });
    expect(result).toEqual({ messageId: 'msg_1', timestampSeconds: timestamp });
  });

  it('accepts fetch Headers', () => {
    const headers = new Headers(signedHeaders('msg_1', timestamp));
    expect(verifyWebhook(headers, body, { secrets: [secret], now }).messageId).toBe('msg_1');
  });

  it('rejects an unsigned request', () => {
    const headers = { 'webhook-id': 'msg_1', 'webhook-timestamp': String(timestamp) };
    expect(rejection(() => verifyWebhook(headers, body, { secrets: [secret], now }))).toBe(
      'missing_headers',
    );
  });

  it('rejects a wrong secret', () => {
    const headers = signedHeaders('msg_1', timestamp, [otherSecret]);
    expect(rejection(() => verifyWebhook(headers, body, { secrets: [secret], now }))).toBe(
      'invalid_signature',
    );
  });

  it('rejects a changed body', () => {
    const headers = signedHeaders('msg_1', timestamp);
    expect(rejection(() => verifyWebhook(headers, `${body} `, { secrets: [secret], now }))).toBe(
      'invalid_signature',
    );
  });

  it('rejects an old timestamp', () => {
    const headers = signedHeaders('msg_1', timestamp - 301);
    expect(rejection(() => verifyWebhook(headers, body, { secrets: [secret], now }))).toBe(
      'timestamp_out_of_tolerance',
    );
  });

  it('rejects a future timestamp', () => {
    const headers = signedHeaders('msg_1', timestamp + 301);
    expect(rejection(() => verifyWebhook(headers, body, { secrets: [secret], now }))).toBe(
      'timestamp_out_of_tolerance',
    );
  });

  it('accepts the tolerance edge', () => {
    const headers = signedHeaders('msg_1', timestamp - 300);
    expect(
      rejection(() => verifyWebhook(headers, body, { secrets: [secret], now })),
    ).toBeUndefined();
  });

  it('rejects a non-numeric timestamp', () => {
    const headers = { ...signedHeaders('msg_1', timestamp), 'webhook-timestamp': '17e8' };
    expect(rejection(() => verifyWebhook(headers, body, { secrets: [secret], now }))).toBe(
      'invalid_timestamp',
    );
  });

  it('rejects a replayed id', () => {
    const replayCache = new MemoryReplayCache(now);
    const options = { secrets: [secret], now, replayCache };
    expect(
      rejection(() => verifyWebhook(signedHeaders('msg_9', timestamp), body, options)),
    ).toBeUndefined();
    expect(rejection(() => verifyWebhook(signedHeaders('msg_9', timestamp), body, options))).toBe(
      'replayed',
    );
    expect(
      rejection(() => verifyWebhook(signedHeaders('msg_10', timestamp), body, options)),
    ).toBeUndefined();
  });

  it('accepts either secret during rotation', () => {
    const headers = signedHeaders('msg_1', timestamp, [otherSecret, secret]);
    expect(headers['webhook-signature'].split(' ')).toHaveLength(2);
    expect(
      rejection(() => verifyWebhook(headers, body, { secrets: [secret], now })),
    ).toBeUndefined();
    expect(
      rejection(() => verifyWebhook(headers, body, { secrets: [otherSecret], now })),
    ).toBeUndefined();
  });

  it('ignores signatures of other versions', () => {
    const v1 = signatureOf(decodeWebhookSecret(secret), 'msg_1', timestamp, body);
    const headers = { ...signedHeaders('msg_1', timestamp), 'webhook-signature': `v1a,${v1}` };
    expect(rejection(() => verifyWebhook(headers, body, { secrets: [secret], now }))).toBe(
      'invalid_signature',
    );
  });
});

describe('signatureOf', () => {
  // The test vector that Standard Webhooks implementations share; the HMAC matching it shows the
  // signed content and encodings agree with theirs.
  it('matches the specification example', () => {
    const key = decodeWebhookSecret('whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw');
    const payload = '{"test": 2432232314}';
    expect(signatureOf(key, 'msg_p5jXN8AQM9LWM0D4loKWxJek', 1614265330, payload)).toBe(
      'g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=',
    );
  });
});

describe('decodeWebhookSecret', () => {
  it('rejects a short key', () => {
    expect(() => decodeWebhookSecret('whsec_c2hvcnQ=')).toThrow(/at least 16 bytes/);
  });
});
