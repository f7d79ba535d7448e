import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAlertPipeline } from '../../alerts/pipeline.ts';
import { revocationConfigSchema } from '../../alerts/revocation/config.ts';
import { RevocationSink } from '../../alerts/revocation/revoker.ts';
import { queryRows } from '../../clickhouse/client.ts';
import { raw } from '../../clickhouse/sql.ts';
import { parseConfig } from '../../core/config.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/stack.ts';
import { reply, sampleAlert, startReceiver, type Receiver } from './alerts-receiver.ts';

interface AuditCount {
  decision: string;
  reason: string;
  n: string;
}

async function auditCounts(db: TestDatabase): Promise<AuditCount[]> {
  return await queryRows<AuditCount>(
    db.client,
    raw(`SELECT decision, reason, count() AS n FROM revocation_audit
      GROUP BY decision, reason ORDER BY decision, reason`),
  );
}

describe('revocation policy', () => {
  let idp: Receiver;

  beforeAll(async () => {
    idp = await startReceiver((_request, response) => reply(response, 200, { revoked: true }));
  });

  afterAll(async () => {
    await idp.close();
  });

  it('enforce revokes at most the hourly limit', async () => {
    const db = await createTestDatabase('ew_alerts_revoke');
    idp.requests.length = 0;
    const siem = await startReceiver((_request, response) => reply(response, 200));
    const config = parseConfig({
      ...db.config,
      alerts: {
        sinks: [
          { type: 'webhook', name: 'soc', url: siem.url, secrets: [{ env: 'WEBHOOK_SECRET' }] },
        ],
        revocation: {
          mode: 'enforce',
          minSeverity: 'high',
          protectedPrincipals: ['payments-gateway'],
          maxPerHour: 5,
          maxPerPrincipalPerHour: 1,
          endpoint: { type: 'json', url: `${idp.url}/revoke`, bearerToken: { env: 'IDP_TOKEN' } },
        },
      },
    });
    const env = {
      WEBHOOK_SECRET: `whsec_${Buffer.alloc(32, 7).toString('base64')}`,
      IDP_TOKEN: 'idp-t',
    };
    const pipeline = createAlertPipeline(config, { clickhouse: db.client, env });
    await pipeline.start();

    // The protected principal comes first, so a policy that ignored protection would revoke it.
    const principals = ['payments-gateway', ...Array.from({ length: 49 }, (_, i) => `svc-${i}`)];
    for (const principal of principals) await pipeline.submit(sampleAlert(principal));
    await pipeline.idle();
    await pipeline.stop();

    const revokedPrincipals = idp.requests.map(
      (r) => (JSON.parse(r.body) as { principal: string }).principal,
    );
    expect(revokedPrincipals.sort()).toEqual(['svc-0', 'svc-1', 'svc-2', 'svc-3', 'svc-4']);
    expect(idp.requests.every((r) => r.headers['authorization'] === 'Bearer idp-t')).toBe(true);

    expect(await auditCounts(db)).toEqual([
      { decision: 'refused', reason: 'protected_principal', n: '1' },
      { decision: 'refused', reason: 'rate_limit_hour', n: '44' },
      { decision: 'revoke', reason: 'policy', n: '5' },
      { decision: 'revoked', reason: 'policy', n: '5' },
    ]);

    const delivered = siem.requests.map(
      (r) => (JSON.parse(r.body) as { data: { principal: string; revocation: unknown } }).data,
    );
    expect(delivered).toHaveLength(50);
    expect(delivered.find((a) => a.principal === 'svc-30')?.revocation).toEqual({
      decision: 'refused',
      reason: 'rate_limit_hour',
    });
    await siem.close();
    await db.drop();
  });

  it('dry-run records would_revoke only', async () => {
    const db = await createTestDatabase('ew_alerts_dryrun');
    idp.requests.length = 0;
    const config = parseConfig({
      ...db.config,
      alerts: { revocation: { mode: 'dry-run', minSeverity: 'high', maxPerHour: 2 } },
    });
    const pipeline = createAlertPipeline(config, { clickhouse: db.client });
    await pipeline.start();
    for (const principal of ['a', 'b', 'c']) await pipeline.submit(sampleAlert(principal));
    await pipeline.submit(sampleAlert('d', { severity: 'medium' }));
    await pipeline.idle();
    await pipeline.stop();

    expect(idp.requests).toHaveLength(0);
    expect(await auditCounts(db)).toEqual([
      { decision: 'refused', reason: 'below_min_severity', n: '1' },
      { decision: 'refused', reason: 'rate_limit_hour', n: '1' },
      { decision: 'would_revoke', reason: 'policy', n: '2' },
    ]);
    await db.drop();
  });

  it('oauth2 sends an RFC 7009 request once', async () => {
    const db = await createTestDatabase('ew_alerts_oauth');
    idp.requests.length = 0;
    const revocation = revocationConfigSchema.parse({
      mode: 'enforce',
      endpoint: {
        type: 'oauth2',
        url: `${idp.url}/oauth2/revoke`,
        clientId: 'eastwatch',
        clientSecret: { env: 'CLIENT_SECRET' },
        tokens: { 'chat-bot': { env: 'CHAT_BOT_TOKEN' } },
      },
    });
    const env = { CLIENT_SECRET: 's3cr3t', CHAT_BOT_TOKEN: 'tok-123' };
    const sink = new RevocationSink(revocation, db.client, fetch, Date.now, env);
    const alert = sampleAlert('chat-bot');
    const signal = new AbortController().signal;

    await sink.deliver({ alert, messageId: 'msg_1', signal });
    await sink.deliver({ alert, messageId: 'msg_1', signal });

    expect(idp.requests).toHaveLength(1);
    const request = idp.requests[0]!;
    expect(request.url).toBe('/oauth2/revoke');
    expect(request.headers['content-type']).toBe('application/x-www-form-urlencoded');
    expect(request.headers['authorization']).toBe(
      `Basic ${Buffer.from('eastwatch:s3cr3t').toString('base64')}`,
    );
    expect(Object.fromEntries(new URLSearchParams(request.body))).toEqual({
      token: 'tok-123',
      token_type_hint: 'access_token',
    });

    await expect(
      sink.deliver({ alert: sampleAlert('unmapped'), messageId: 'msg_2', signal }),
    ).rejects.toMatchObject({ code: 'ALERT_DELIVERY_FAILED', retriable: false });
    expect(await auditCounts(db)).toEqual([
      { decision: 'revoke_failed', reason: 'no_token_mapping', n: '1' },
      { decision: 'revoked', reason: 'policy', n: '1' },
    ]);
    await db.drop();
  });
});
