import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Admin, Producer } from 'kafkajs';
import type { Alert } from '../../alerts/alert.ts';
import { Secret } from '../../core/secret.ts';
import { scoreConfigSchema } from '../../detectors/config.ts';
import { ScoreConsumer } from '../../detectors/consumer.ts';
import type { BaselineSet } from '../../detectors/scorer.ts';
import { createRecordParser } from '../../ingest/parse.ts';
import { trainConfigSchema } from '../../models/config.ts';
import { trainFromEvents } from '../../models/train-memory.ts';
import type { AccessEvent } from '../../schemas/access-event.ts';
import {
  createTestDatabase,
  createTopic,
  testConfig,
  testKafka,
  uniqueName,
  type TestDatabase,
} from '../helpers/stack.ts';

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const parse = createRecordParser(
  { topic: 'score', format: 'apache', principal: 'user' },
  { credentialKey: new Secret('score test key', 'test') },
);

function apacheTime(ms: number): string {
  const d = new Date(ms);
  const pad = (n: number) => String(n).padStart(2, '0');
  return (
    `${pad(d.getUTCDate())}/${MONTHS[d.getUTCMonth()]}/${d.getUTCFullYear()}:` +
    `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())} +0000`
  );
}

function line(ms: number, ip: string, path: string, agent = 'svc-a/1.0'): string {
  return `${ip} - svc-a [${apacheTime(ms)}] "GET ${path} HTTP/1.1" 200 2300 "-" "${agent}"`;
}

function parsed(text: string, offset: number): AccessEvent {
  const outcome = parse(Buffer.from(text), { topic: '', partition: -1, offset: String(offset) });
  if (!outcome.ok) throw outcome.error;
  return outcome.event;
}

/**
 * Eight days of svc-a working six to ten hours after the current hour, so the hour the test
 * runs in is idle for it.
 */
function trainedBaselines(nowMs: number, version: number): BaselineSet {
  const events: AccessEvent[] = [];
  const hourStart = Math.floor(nowMs / HOUR_MS) * HOUR_MS;
  for (let day = 8; day >= 1; day--) {
    for (let h = 6; h <= 10; h++) {
      for (let i = 0; i < 20; i++) {
        const ms = hourStart - day * DAY_MS + h * HOUR_MS + i * 60_000;
        events.push(parsed(line(ms, '10.1.2.7', `/v1/invoices/${i % 5}`), events.length));
      }
    }
  }
  const train = trainConfigSchema.parse({});
  const result = trainFromEvents(events, train, {
    nowMs,
    version,
    windowStartMs: nowMs - 9 * DAY_MS,
  });
  return { version, baselines: result.baselines, priors: result.priors };
}

describe('score consumer', () => {
  let db: TestDatabase;
  let admin: Admin;
  let producer: Producer;
  const topic = uniqueName('score');
  const kafka = testKafka(testConfig());

  beforeAll(async () => {
    db = await createTestDatabase('ew_score');
    admin = kafka.admin();
    await admin.connect();
    await createTopic(admin, topic, 2);
    producer = kafka.producer();
    await producer.connect();
  });

  afterAll(async () => {
    await producer.disconnect();
    await admin.deleteTopics({ topics: [topic] }).catch(() => undefined);
    await admin.disconnect();
    await db.drop();
  });

  it('alerts, rebuilds state and reloads baselines', async () => {
    const nowMs = Date.now();
    let current = trainedBaselines(nowMs, 1);
    expect(current.baselines.get('svc-a')?.mature).toBe(true);

    // Three recent events of svc-a that ingest already stored: the rebuild reads them.
    const stored = [1, 2, 3].map((i) => ({
      ...parsed(line(nowMs - 5 * 60_000 + i * 1000, '10.1.2.7', '/v1/invoices/1'), i),
      topic,
      partition: 0,
    }));
    await db.client.insert({
      table: 'access_events',
      format: 'JSONEachRow',
      values: stored.map((e) => ({
        id: e.id,
        timestamp: e.timestamp,
        principal: e.principal,
        credential: e.credential,
        source_ip: e.sourceIp,
        user_agent: e.userAgent,
        method: e.method,
        host: e.host,
        path: e.path,
        route: e.route,
        status: e.status,
        bytes_in: e.bytesIn,
        bytes_out: e.bytesOut,
        duration_ms: e.durationMs,
        proxy: e.proxy,
        topic,
        partition: 0,
        offset: e.offset,
      })),
    });

    const alerts: Alert[] = [];
    const config = scoreConfigSchema.parse({
      groupId: uniqueName('score_group'),
      baselinePollIntervalMs: 300,
    });
    const consumer = await ScoreConsumer.create({
      kafka,
      topic,
      parse,
      config,
      baselines: {
        currentVersion: () => Promise.resolve(current.version),
        load: () => Promise.resolve(current),
      },
      sink: {
        submit: (alert) => {
          alerts.push(alert);
          return Promise.resolve();
        },
      },
      clickhouse: db.client,
      fromBeginning: true,
    });

    try {
      await consumer.start();
      const attack = [
        line(nowMs, '198.51.100.9', '/admin/export/users', 'python-requests/2.31.0'),
        line(nowMs + 1000, '198.51.100.9', '/admin/export/tickets', 'python-requests/2.31.0'),
      ];
      await producer.send({ topic, messages: attack.map((value) => ({ key: 'svc-a', value })) });

      await waitFor(() => alerts.some((a) => a.severity === 'high' || a.severity === 'critical'));
      const high = alerts.find((a) => a.severity === 'high' || a.severity === 'critical')!;
      expect(high.principal).toBe('svc-a');
      expect(high.findings.map((f) => f.detector)).toEqual(
        expect.arrayContaining(['new-route', 'new-network', 'idle-hour']),
      );
      expect(consumer.counters.rebuiltEvents).toBe(3);

      current = trainedBaselines(nowMs, 2);
      await waitFor(() => consumer.scorer.baselineVersion === 2);
      expect(consumer.counters.baselineReloads).toBe(1);
    } finally {
      await consumer.stop();
    }
  });
});

async function waitFor(condition: () => boolean, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
