import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Admin } from 'kafkajs';
import {
  createTestDatabase,
  createTopic,
  testKafka,
  uniqueName,
  type TestDatabase,
} from '../helpers/stack.ts';
import {
  APACHE_LINES,
  APACHE_LOG,
  countEvents,
  produceSlowly,
  spawnIngest,
  waitUntil,
  writeIngestConfig,
} from './ingest-harness.ts';

describe('ingest crash safety', () => {
  let db: TestDatabase;
  let admin: Admin;
  const topic = uniqueName('crash');
  const lines = readFileSync(APACHE_LOG, 'utf8').split('\n').slice(0, APACHE_LINES);

  beforeAll(async () => {
    db = await createTestDatabase('ew_ingest_crash');
    admin = testKafka(db.config).admin();
    await admin.connect();
  });

  afterAll(async () => {
    await admin.disconnect();
    await db.drop();
  });

  it('survives SIGKILL mid-stream', async () => {
    const broker = db.config.kafka.brokers[0]!;
    await createTopic(admin, topic, 3);
    const env = {
      // A short session lets the restarted process take over the partitions of the killed one
      // without waiting 30 s for the broker to evict it.
      configFile: writeIngestConfig({
        maxBatchRows: 100,
        maxBatchWaitMs: 50,
        sessionTimeoutMs: 6000,
        heartbeatIntervalMs: 1000,
      }),
      brokers: broker,
      clickhouseUrl: db.config.clickhouse.url,
      database: db.config.clickhouse.database,
    };
    const args = ['--topic', topic, '--format', 'apache', '--principal', 'ip'];

    // The kill comes while records are still arriving: 2,000 lines at once, then the rest at
    // 2,500 lines per second, and SIGKILL once 3,000 rows are stored.
    await produceSlowly(broker, topic, lines.slice(0, 2000), 2000, 0);
    const first = spawnIngest(args, env);
    await waitUntil(async () => (await countEvents(db.client)).rows >= 2000, 60_000, '2000 rows');
    const producing = produceSlowly(broker, topic, lines.slice(2000), 250, 100);
    await waitUntil(async () => (await countEvents(db.client)).rows >= 3000, 60_000, '3000 rows');
    first.child.kill('SIGKILL');
    const killed = await first.exited;
    const atKill = await countEvents(db.client);
    process.stdout.write(`ingest crash: ${atKill.rows} rows stored when killed\n`);
    await producing;

    expect(killed.signal).toBe('SIGKILL');
    expect(atKill.rows).toBeLessThan(APACHE_LINES);

    const second = spawnIngest([...args, '--exit-when-idle', '2'], env);
    const exit = await second.exited;

    expect(exit).toEqual({ code: 0, signal: null });
    const after = await countEvents(db.client);
    process.stdout.write(`ingest crash: ${after.rows - after.final} replayed rows collapsed\n`);
    expect(after.ids).toBe(APACHE_LINES);
    expect(after.final).toBe(APACHE_LINES);
    expect(after.rows).toBeGreaterThanOrEqual(APACHE_LINES);
  });

  it('collapses a full replay', async () => {
    const before = await countEvents(db.client);
    const replay = spawnIngest(
      ['--topic', topic, '--format', 'apache', '--principal', 'ip', '--exit-when-idle', '2'],
      {
        configFile: writeIngestConfig(),
        brokers: db.config.kafka.brokers[0]!,
        clickhouseUrl: db.config.clickhouse.url,
        database: db.config.clickhouse.database,
      },
    );
    expect(await replay.exited).toEqual({ code: 0, signal: null });

    // Background merges may already have collapsed some replayed rows, so only the distinct
    // counts are exact.
    const after = await countEvents(db.client);
    expect(before.ids).toBe(APACHE_LINES);
    expect(after.ids).toBe(APACHE_LINES);
    expect(after.final).toBe(APACHE_LINES);
  });
});
