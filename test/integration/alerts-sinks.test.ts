import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Admin } from 'kafkajs';
import type { Alert } from '../../alerts/alert.ts';
import { alertAvroType } from '../../alerts/sinks/kafka.ts';
import { createAlertPipeline, messageIdOf } from '../../alerts/pipeline.ts';
import { queryRows } from '../../clickhouse/client.ts';
import { raw } from '../../clickhouse/sql.ts';
import { parseConfig } from '../../core/config.ts';
import {
  createTestDatabase,
  createTopic,
  testKafka,
  uniqueName,
  type TestDatabase,
} from '../helpers/stack.ts';
import { reply, sampleAlert, startReceiver, type Receiver } from './alerts-receiver.ts';

interface EcsDocument extends Record<string, unknown> {
  eastwatch: { credential_fingerprint: string; findings: { evidence: string }[] };
}

const fastRetries = { initialDelayMs: 10, maxDelayMs: 50 };

async function runPipeline(db: TestDatabase, alerts: object, submitted: Alert[]): Promise<void> {
  const config = parseConfig({ ...db.config, alerts: { revocation: { mode: 'off' }, ...alerts } });
  const env = { HEC_TOKEN: 'hec-token-1', ES_KEY: 'es-key-1' };
  const pipeline = createAlertPipeline(config, { clickhouse: db.client, env });
  await pipeline.start();
  for (const alert of submitted) await pipeline.submit(alert);
  await pipeline.idle();
  await pipeline.stop();
}

async function outboxStatuses(db: TestDatabase): Promise<{ sink: string; status: string }[]> {
  return await queryRows(
    db.client,
    raw(`SELECT sink, status FROM alert_outbox FINAL ORDER BY sink, alert_id`),
  );
}

describe('alert sinks', () => {
  let db: TestDatabase;

  beforeAll(async () => {
    db = await createTestDatabase('ew_alerts_sinks');
  });

  afterAll(async () => {
    await db.drop();
  });

  it('splunk gets a HEC event envelope', async () => {
    let calls = 0;
    const hec = await startReceiver((_request, response) => {
      calls += 1;
      if (calls === 1) return reply(response, 503, { text: 'Server is busy', code: 9 });
      reply(response, 200, { text: 'Success', code: 0 });
    });
    const alert = sampleAlert('splunk-bot');
    await runPipeline(
      db,
      {
        sinks: [
          {
            type: 'splunk',
            name: 'splunk',
            url: `${hec.url}/services/collector/event`,
            token: { env: 'HEC_TOKEN' },
            index: 'security',
          },
        ],
        delivery: fastRetries,
      },
      [alert],
    );
    await hec.close();

    expect(hec.requests).toHaveLength(2);
    const request = hec.requests[1]!;
    expect(request.url).toBe('/services/collector/event');
    expect(request.headers['authorization']).toBe('Splunk hec-token-1');
    expect(JSON.parse(request.body)).toEqual({
      time: alert.timestamp / 1000,
      source: 'eastwatch',
      sourcetype: 'eastwatch:alert',
      index: 'security',
      event: { ...alert, message_id: messageIdOf(alert.id) },
    });
  });

  it('elastic gets ECS documents once', async () => {
    const indexed = new Map<string, unknown>();
    let calls = 0;
    const es = await startReceiver((request, response) => {
      calls += 1;
      const [actionLine, documentLine] = request.body.trimEnd().split('\n');
      const action = JSON.parse(actionLine!) as { create: { _index: string; _id: string } };
      // The first response is 200 overall with a failed item, as Elasticsearch returns under load.
      const status = calls === 1 ? 429 : indexed.has(action.create._id) ? 409 : 201;
      if (status === 201) indexed.set(action.create._id, JSON.parse(documentLine!));
      reply(response, 200, { errors: status !== 201, items: [{ create: { status } }] });
    });
    const alert = sampleAlert('elastic-bot');
    const sinks = [
      {
        type: 'elastic',
        name: 'elastic',
        url: es.url,
        index: 'alerts-test',
        apiKey: { env: 'ES_KEY' },
      },
    ];
    await runPipeline(db, { sinks, delivery: fastRetries }, [alert]);

    expect(es.requests.map((r) => r.url)).toEqual(['/_bulk', '/_bulk']);
    expect(es.requests[0]!.headers['authorization']).toBe('ApiKey es-key-1');
    expect(es.requests[0]!.headers['content-type']).toBe('application/x-ndjson');
    const document = indexed.get(messageIdOf(alert.id)) as EcsDocument;
    expect(document['@timestamp']).toBe(new Date(alert.timestamp).toISOString());
    expect(document['event']).toMatchObject({
      kind: 'alert',
      id: alert.id,
      severity: 3,
      risk_score: 87,
    });
    expect(document['user']).toEqual({ name: 'elastic-bot' });
    expect(document['source']).toEqual({ ip: '203.0.113.7' });
    expect(document['url']).toEqual({ path: '/rest/api/2/search' });
    expect(document.eastwatch.credential_fingerprint).toBe('fp-elastic-bot');
    expect(JSON.parse(document.eastwatch.findings[0]!.evidence)).toEqual(
      alert.findings[0]!.evidence,
    );
    await es.close();
  });

  it('gives up after maxAttempts or a 4xx', async () => {
    const busy = await startReceiver((_request, response) => reply(response, 503));
    const rejecting = await startReceiver((_request, response) => reply(response, 400));
    const env = { S: `whsec_${Buffer.alloc(24, 5).toString('base64')}` };
    const sinks = [
      { type: 'webhook', name: 'busy', url: busy.url, secrets: [{ env: 'S' }] },
      { type: 'webhook', name: 'rejecting', url: rejecting.url, secrets: [{ env: 'S' }] },
    ];
    const delivery = { ...fastRetries, maxAttempts: 3, breakerFailureThreshold: 100 };
    const config = parseConfig({
      ...db.config,
      alerts: { sinks, delivery, revocation: { mode: 'off' } },
    });
    const pipeline = createAlertPipeline(config, { clickhouse: db.client, env });
    await pipeline.start();
    const alert = sampleAlert('give-up-bot');
    await pipeline.submit(alert);
    await pipeline.idle();
    await pipeline.stop();
    await busy.close();
    await rejecting.close();

    expect(busy.requests).toHaveLength(3);
    expect(rejecting.requests).toHaveLength(1);
    const rows = await queryRows<{ sink: string; status: string; attempts: number }>(
      db.client,
      raw(`SELECT sink, status, attempts FROM alert_outbox FINAL
        WHERE sink IN ('busy', 'rejecting') ORDER BY sink`),
    );
    expect(rows).toEqual([
      { sink: 'busy', status: 'failed', attempts: 3 },
      { sink: 'rejecting', status: 'failed', attempts: 1 },
    ]);
  });

  it('opens the breaker after failures', async () => {
    const times: number[] = [];
    const flaky = await startReceiver((_request, response) => {
      times.push(Date.now());
      reply(response, times.length <= 2 ? 503 : 200);
    });
    const env = { S: `whsec_${Buffer.alloc(24, 6).toString('base64')}` };
    const sinks = [{ type: 'webhook', name: 'flaky', url: flaky.url, secrets: [{ env: 'S' }] }];
    const delivery = { ...fastRetries, breakerFailureThreshold: 2, breakerOpenMs: 600 };
    const config = parseConfig({
      ...db.config,
      alerts: { sinks, delivery, revocation: { mode: 'off' } },
    });
    const pipeline = createAlertPipeline(config, { clickhouse: db.client, env });
    await pipeline.start();
    await pipeline.submit(sampleAlert('breaker-bot'));
    await pipeline.idle();
    await pipeline.stop();
    await flaky.close();

    expect(times).toHaveLength(3);
    // Backoff alone would retry within 50 ms, but the open breaker delays the probe to 600 ms.
    expect(times[2]! - times[1]!).toBeGreaterThanOrEqual(550);
  });

  it('rejects a redirect to another host', async () => {
    const elsewhere = await startReceiver((_request, response) => reply(response, 200));
    const redirecting = await startReceiver((_request, response) => {
      response.writeHead(307, { location: `${elsewhere.url}/steal` });
      response.end();
    });
    const alert = sampleAlert('redirect-bot');
    const sinks = [
      { type: 'webhook', name: 'moved', url: redirecting.url, secrets: [{ env: 'HEC_TOKEN' }] },
    ];
    const env16 = { HEC_TOKEN: `whsec_${Buffer.alloc(24, 1).toString('base64')}` };
    const config = parseConfig({ ...db.config, alerts: { sinks, revocation: { mode: 'off' } } });
    const pipeline = createAlertPipeline(config, { clickhouse: db.client, env: env16 });
    await pipeline.start();
    await pipeline.submit(alert);
    await pipeline.idle();
    await pipeline.stop();

    expect(redirecting.requests).toHaveLength(1);
    expect(elsewhere.requests).toHaveLength(0);
    const rows = await queryRows<{ status: string; last_error: string }>(
      db.client,
      raw(`SELECT status, last_error FROM alert_outbox FINAL WHERE sink = 'moved'`),
    );
    expect(rows[0]?.status).toBe('failed');
    expect(rows[0]?.last_error).toContain('redirect');
    await redirecting.close();
    await elsewhere.close();
  });

  it('follows a same-origin 308', async () => {
    const receiver: Receiver = await startReceiver((request, response) => {
      if (request.url === '/old') {
        response.writeHead(308, { location: '/new' });
        response.end();
        return;
      }
      reply(response, 200);
    });
    const sinks = [
      { type: 'webhook', name: 'moved2', url: `${receiver.url}/old`, secrets: [{ env: 'S' }] },
    ];
    const config = parseConfig({ ...db.config, alerts: { sinks, revocation: { mode: 'off' } } });
    const env = { S: `whsec_${Buffer.alloc(24, 2).toString('base64')}` };
    const pipeline = createAlertPipeline(config, { clickhouse: db.client, env });
    await pipeline.start();
    await pipeline.submit(sampleAlert('moved-bot'));
    await pipeline.idle();
    await pipeline.stop();

    expect(receiver.requests.map((r) => r.url)).toEqual(['/old', '/new']);
    expect(receiver.requests[1]!.headers['webhook-id']).toBeDefined();
    await receiver.close();
  });

  it('rejects an untrusted TLS certificate', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ew-alerts-tls-'));
    const openssl = spawnSync('openssl', [
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-days',
      '1',
      '-subj',
      '/CN=127.0.0.1',
      '-addext',
      'subjectAltName=IP:127.0.0.1',
      '-keyout',
      join(dir, 'key.pem'),
      '-out',
      join(dir, 'cert.pem'),
    ]);
    expect(openssl.status).toBe(0);
    let requests = 0;
    const server = createHttpsServer(
      { key: readFileSync(join(dir, 'key.pem')), cert: readFileSync(join(dir, 'cert.pem')) },
      (_request, response) => {
        requests += 1;
        response.end('{}');
      },
    );
    server.on('tlsClientError', () => undefined);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;

    const sinks = [
      { type: 'webhook', name: 'tls', url: `https://127.0.0.1:${port}/`, secrets: [{ env: 'S' }] },
    ];
    const config = parseConfig({ ...db.config, alerts: { sinks, revocation: { mode: 'off' } } });
    const env = { S: `whsec_${Buffer.alloc(24, 4).toString('base64')}` };
    const pipeline = createAlertPipeline(config, { clickhouse: db.client, env });
    await pipeline.start();
    await pipeline.submit(sampleAlert('tls-bot'));
    await pipeline.idle();
    await pipeline.stop();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    rmSync(dir, { recursive: true, force: true });

    expect(requests).toBe(0);
    const rows = await queryRows<{ status: string; last_error: string }>(
      db.client,
      raw(`SELECT status, last_error FROM alert_outbox FINAL WHERE sink = 'tls'`),
    );
    expect(rows[0]?.status).toBe('failed');
    expect(rows[0]?.last_error).toContain('TLS certificate of sink tls failed verification');
  });

  it('kafka gets JSON and Avro keyed by principal', async () => {
    const kafka = testKafka(db.config);
    const admin: Admin = kafka.admin();
    await admin.connect();
    const jsonTopic = uniqueName('alerts_json');
    const avroTopic = uniqueName('alerts_avro');
    await createTopic(admin, jsonTopic);
    await createTopic(admin, avroTopic);
    await admin.disconnect();

    const alert = sampleAlert('kafka-bot');
    const sinks = [
      { type: 'kafka', name: 'kafka-json', topic: jsonTopic },
      { type: 'kafka', name: 'kafka-avro', topic: avroTopic, format: 'avro' },
    ];
    await runPipeline(db, { sinks }, [alert]);

    const consumer = kafka.consumer({ groupId: uniqueName('alerts_group') });
    await consumer.connect();
    await consumer.subscribe({ topics: [jsonTopic, avroTopic], fromBeginning: true });
    const received = new Map<string, { key: string; value: Buffer }>();
    await new Promise<void>((resolve) => {
      void consumer.run({
        eachMessage: ({ topic, message }) => {
          received.set(topic, { key: String(message.key), value: message.value! });
          if (received.size === 2) resolve();
          return Promise.resolve();
        },
      });
    });
    await consumer.disconnect();

    const json = received.get(jsonTopic)!;
    expect(json.key).toBe('kafka-bot');
    expect(JSON.parse(json.value.toString())).toEqual({
      ...alert,
      messageId: messageIdOf(alert.id),
    });

    const avro = received.get(avroTopic)!;
    expect(avro.key).toBe('kafka-bot');
    const decoded = alertAvroType.fromBuffer(avro.value) as Record<string, unknown>;
    expect(decoded['principal']).toBe('kafka-bot');
    expect(decoded['timestamp']).toBe(alert.timestamp);
    expect(JSON.parse(decoded['findingsJson'] as string)).toEqual(alert.findings);

    const statuses = (await outboxStatuses(db)).filter((r) => r.sink.startsWith('kafka'));
    expect(statuses).toEqual([
      { sink: 'kafka-avro', status: 'delivered' },
      { sink: 'kafka-json', status: 'delivered' },
    ]);
  });
});
