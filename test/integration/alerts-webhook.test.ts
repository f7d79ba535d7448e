import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAlertPipeline, messageIdOf } from '../../alerts/pipeline.ts';
import {
  MemoryReplayCache,
  verifyWebhook,
  WebhookVerificationError,
} from '../../alerts/webhook-verify.ts';
import { queryRows } from '../../clickhouse/client.ts';
import { raw } from '../../clickhouse/sql.ts';
import { parseConfig } from '../../core/config.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/stack.ts';
import { reply, sampleAlert, startReceiver, type Receiver } from './alerts-receiver.ts';

const oldSecret = `whsec_${randomBytes(32).toString('base64')}`;
const newSecret = `whsec_${randomBytes(32).toString('base64')}`;
const env = { WEBHOOK_OLD: oldSecret, WEBHOOK_NEW: newSecret };

describe('webhook delivery', () => {
  let db: TestDatabase;
  let receiver: Receiver;
  const attemptsById = new Map<string, number>();
  const processed: string[] = [];
  const cache = new MemoryReplayCache();

  beforeAll(async () => {
    db = await createTestDatabase('ew_alerts_webhook');
    // Per webhook-id: 503, then a hang past the sender's timeout, then the receiver processes the
    // alert but responds 500 (a lost acknowledgement), then the retry is a replay that gets 200.
    receiver = await startReceiver(async (request, response) => {
      const id = String(request.headers['webhook-id']);
      const attempt = (attemptsById.get(id) ?? 0) + 1;
      attemptsById.set(id, attempt);
      if (attempt === 1) return reply(response, 503);
      if (attempt === 2) return; // no response: the sender's timeout must abort the request

      try {
        verifyWebhook(request.headers, request.body, { secrets: [newSecret], replayCache: cache });
      } catch (error) {
        if (error instanceof WebhookVerificationError && error.reason === 'replayed') {
          return reply(response, 200, { duplicate: true });
        }
        return reply(response, 401);
      }
      processed.push(id);
      await Promise.resolve();
      reply(response, attempt === 3 ? 500 : 200);
    });
  });

  afterAll(async () => {
    await receiver.close();
    await db.drop();
  });

  it('delivers every alert once after retries', async () => {
    const config = parseConfig({
      ...db.config,
      alerts: {
        sinks: [
          {
            type: 'webhook',
            name: 'soc',
            url: `${receiver.url}/hooks/eastwatch`,
            timeoutMs: 300,
            secrets: [{ env: 'WEBHOOK_OLD' }, { env: 'WEBHOOK_NEW' }],
          },
        ],
        delivery: { initialDelayMs: 20, maxDelayMs: 100, breakerFailureThreshold: 1000 },
        revocation: { mode: 'off' },
      },
    });
    const pipeline = createAlertPipeline(config, { clickhouse: db.client, env });
    await pipeline.start();

    const alerts = Array.from({ length: 10 }, (_, i) => sampleAlert(`svc-${i}`));
    for (const alert of alerts) await pipeline.submit(alert);
    await pipeline.idle();
    const stopped = pipeline.stop();
    expect(pipeline.stop()).toBe(stopped);
    await stopped;

    const expectedIds = alerts.map((a) => messageIdOf(a.id)).sort();
    expect([...processed].sort()).toEqual(expectedIds);
    for (const id of expectedIds) expect(attemptsById.get(id)).toBe(4);

    const outbox = await queryRows<{ status: string; n: string }>(
      db.client,
      raw(`SELECT status, count() AS n FROM alert_outbox FINAL GROUP BY status`),
    );
    expect(outbox).toEqual([{ status: 'delivered', n: '10' }]);

    const attempts = await queryRows<{ outcome: string; status_code: number; n: string }>(
      db.client,
      raw(`SELECT outcome, status_code, count() AS n FROM alert_delivery_attempts
        GROUP BY outcome, status_code ORDER BY outcome, status_code`),
    );
    expect(attempts).toEqual([
      { outcome: 'delivered', status_code: 200, n: '10' },
      { outcome: 'failed', status_code: 0, n: '10' },
      { outcome: 'failed', status_code: 500, n: '10' },
      { outcome: 'failed', status_code: 503, n: '10' },
    ]);

    const metrics = await pipeline.metrics.registry.getMetricsAsJSON();
    const values = (name: string) => metrics.find((m) => m.name === name)?.values ?? [];
    const attemptCounts = values('eastwatch_alert_delivery_attempts_total').map((v) => [
      v.labels['outcome'],
      v.value,
    ]);
    expect(attemptCounts.sort()).toEqual([
      ['delivered', 10],
      ['failed', 30],
    ]);
    expect(values('eastwatch_alerts_submitted_total')).toEqual([
      { labels: { outcome: 'stored' }, value: 10 },
    ]);
  });

  it('signs with every rotation secret', () => {
    const request = receiver.requests.find((r) => r.headers['webhook-signature']);
    expect(request).toBeDefined();
    const signatures = String(request!.headers['webhook-signature']).split(' ');
    expect(signatures).toHaveLength(2);
    expect(signatures.every((s) => s.startsWith('v1,'))).toBe(true);

    const fresh = new MemoryReplayCache();
    const options = { secrets: [oldSecret], replayCache: fresh, toleranceSeconds: 3600 };
    expect(verifyWebhook(request!.headers, request!.body, options).messageId).toBe(
      request!.headers['webhook-id'],
    );
  });

  it('keeps the webhook-id and body across retries', () => {
    const first = receiver.requests[0]!;
    const sameId = receiver.requests.filter(
      (r) => r.headers['webhook-id'] === first.headers['webhook-id'],
    );
    expect(sameId).toHaveLength(4);
    expect(new Set(sameId.map((r) => r.body)).size).toBe(1);
    const body = JSON.parse(first.body) as { type: string; data: { principal: string } };
    expect(body.type).toBe('alert.created');
    expect(body.data.principal).toMatch(/^svc-\d$/);
  });
});
