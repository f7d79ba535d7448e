import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { ConfigResourceTypes, type Admin, type Kafka } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEAD_LETTER_HEADERS } from '../../ingest/consumer/dead-letter.ts';
import {
  createTestDatabase,
  createTopic,
  testKafka,
  uniqueName,
  type TestDatabase,
} from '../helpers/stack.ts';
import {
  APACHE_LOG,
  countEvents,
  produceSlowly,
  readTopic,
  spawnIngest,
  waitUntil,
  writeIngestConfig,
} from './ingest-harness.ts';

// The first 8,000 lines of the Apache log all parse, so every record must become a row.
const LINES = readFileSync(APACHE_LOG, 'utf8').split('\n').slice(0, 8000);

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const address = server.address();
  await new Promise((done) => server.close(done));
  return typeof address === 'object' && address !== null ? address.port : 0;
}

/** Returns, per partition, the committed offset and the number of stored offsets below it. */
async function committedAndStored(
  db: TestDatabase,
  admin: Admin,
  groupId: string,
  topic: string,
): Promise<{ partition: number; committed: number; storedBelow: number }[]> {
  const [offsets] = await admin.fetchOffsets({ groupId, topics: [topic] });
  const result = [];
  for (const { partition, offset } of offsets!.partitions) {
    const committed = Math.max(Number(offset), 0);
    const rows = await db.client.query({
      query: `SELECT uniqExact(\`offset\`) AS n FROM access_events
              WHERE \`partition\` = ${partition} AND \`offset\` < ${committed}`,
      format: 'JSONEachRow',
    });
    const [row] = await rows.json<{ n: string }>();
    result.push({ partition, committed, storedBelow: Number(row?.n) });
  }
  return result;
}

describe('ingest lifecycle', () => {
  let db: TestDatabase;
  let kafka: Kafka;
  let admin: Admin;

  beforeAll(async () => {
    db = await createTestDatabase('ew_ingest_lifecycle');
    kafka = testKafka(db.config);
    admin = kafka.admin();
    await admin.connect();
  });

  afterAll(async () => {
    await admin.disconnect();
    await db.drop();
  });

  function env(configFile: string) {
    return {
      configFile,
      brokers: db.config.kafka.brokers[0]!,
      clickhouseUrl: db.config.clickhouse.url,
      database: db.config.clickhouse.database,
    };
  }

  it('stops on SIGTERM with stored offsets committed', async () => {
    const topic = uniqueName('sigterm');
    const groupId = uniqueName('group');
    const port = await freePort();
    await createTopic(admin, topic, 2);
    await produceSlowly(db.config.kafka.brokers[0]!, topic, LINES.slice(0, 1000), 1000, 0);

    const ingest = spawnIngest(
      [
        '--topic',
        topic,
        '--format',
        'apache',
        '--principal',
        'ip',
        '--group',
        groupId,
        '--metrics-port',
        String(port),
      ],
      env(writeIngestConfig({ maxBatchRows: 100, maxBatchWaitMs: 50, metricsHost: '127.0.0.1' })),
    );
    await waitUntil(async () => (await countEvents(db.client)).rows >= 1000, 60_000, '1000 rows');
    const producing = produceSlowly(
      db.config.kafka.brokers[0]!,
      topic,
      LINES.slice(1000),
      500,
      100,
    );

    const metrics = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
    expect(metrics).toMatch(
      new RegExp(`eastwatch_ingest_records_consumed_total\\{topic="${topic}"\\} \\d+`),
    );
    expect(metrics).toMatch(
      new RegExp(`eastwatch_ingest_records_inserted_total\\{topic="${topic}"\\} \\d+`),
    );
    expect(metrics).toContain('eastwatch_ingest_batch_duration_seconds_bucket');
    expect(metrics).toContain('# TYPE eastwatch_ingest_consumer_lag gauge');

    await waitUntil(async () => (await countEvents(db.client)).rows >= 3000, 60_000, '3000 rows');
    ingest.child.kill('SIGTERM');
    const exit = await ingest.exited;
    await producing;

    expect(exit).toEqual({ code: 0, signal: null });
    expect(ingest.stderr()).toContain('"msg":"ingest stopped"');
    const partitions = await committedAndStored(db, admin, groupId, topic);
    expect(partitions.reduce((sum, p) => sum + p.committed, 0)).toBeGreaterThanOrEqual(1000);
    for (const p of partitions) expect(p.storedBelow).toBe(p.committed);
  });

  it('holds the offset when dead-lettering fails', async () => {
    const topic = uniqueName('dlq_reject');
    const groupId = uniqueName('group');
    await createTopic(admin, topic, 1);
    // The dead-letter topic takes no record larger than 64 bytes, so the broker rejects the
    // copy of the bad line for good until an operator raises the limit.
    await admin.createTopics({
      topics: [
        {
          topic: `${topic}.dlq`,
          numPartitions: 1,
          configEntries: [{ name: 'max.message.bytes', value: '64' }],
        },
      ],
      waitForLeaders: true,
    });
    const bad = '10.9.9.9 - - [17/May/2015:10:05:03 +0000] "GET /\x1b[2J HTTP/1.1" 200 5 "-" "x"';
    const records = [LINES[0]!, LINES[1]!, bad, LINES[2]!];
    const producer = kafka.producer();
    await producer.connect();
    await producer.send({ topic, messages: records.map((value) => ({ value })) });
    await producer.disconnect();
    const args = ['--topic', topic, '--format', 'apache', '--principal', 'ip', '--group', groupId];

    const failing = spawnIngest([...args, '--exit-when-idle', '2'], env(writeIngestConfig()));
    const failed = await failing.exited;

    expect(failed).toEqual({ code: 1, signal: null });
    expect(failing.stderr()).toContain('"code":"INGEST_DEAD_LETTER_FAILED"');
    const [held] = await admin.fetchOffsets({ groupId, topics: [topic] });
    expect(Number(held!.partitions[0]!.offset)).toBeLessThan(3);
    expect((await countEvents(db.client, topic)).rows).toBeLessThan(3);

    await admin.alterConfigs({
      validateOnly: false,
      resources: [
        {
          type: ConfigResourceTypes.TOPIC,
          name: `${topic}.dlq`,
          configEntries: [{ name: 'max.message.bytes', value: '1048588' }],
        },
      ],
    });
    const retried = spawnIngest([...args, '--exit-when-idle', '2'], env(writeIngestConfig()));

    expect(await retried.exited).toEqual({ code: 0, signal: null });
    expect((await countEvents(db.client, topic)).ids).toBe(3);
    const [dead] = await readTopic(kafka, `${topic}.dlq`, 1);
    expect(dead?.value?.toString()).toBe(bad);
    expect(dead?.headers?.[DEAD_LETTER_HEADERS.reason]?.toString()).toBe('control_character');
    expect(dead?.headers?.[DEAD_LETTER_HEADERS.offset]?.toString()).toBe('2');
  });
});
