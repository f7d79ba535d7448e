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
  produceLines,
  spawnIngest,
  writeIngestConfig,
} from './ingest-harness.ts';

describe('ingest of the real Apache log', () => {
  let db: TestDatabase;
  let admin: Admin;

  beforeAll(async () => {
    db = await createTestDatabase('ew_ingest_apache');
    admin = testKafka(db.config).admin();
    await admin.connect();
  });

  afterAll(async () => {
    await admin.disconnect();
    await db.drop();
  });

  it('stores every line exactly once', async () => {
    const topic = uniqueName('apache');
    const broker = db.config.kafka.brokers[0]!;
    await createTopic(admin, topic, 3);
    produceLines(broker, topic, APACHE_LOG);

    const ingest = spawnIngest(
      ['--topic', topic, '--format', 'apache', '--principal', 'user', '--exit-when-idle', '2'],
      {
        configFile: writeIngestConfig(),
        brokers: broker,
        clickhouseUrl: db.config.clickhouse.url,
        database: db.config.clickhouse.database,
      },
    );
    const exit = await ingest.exited;

    expect(ingest.stderr()).not.toContain('"level":"error"');
    expect(exit).toEqual({ code: 0, signal: null });
    expect(ingest.stdout()).toBe(`inserted ${APACHE_LINES} events, dead-lettered 0 records\n`);
    expect(await countEvents(db.client)).toEqual({
      rows: APACHE_LINES,
      final: APACHE_LINES,
      ids: APACHE_LINES,
    });
  });

  it('stores the fields of a known line', async () => {
    const result = await db.client.query({
      query: `SELECT principal, source_ip, method, path, status, bytes_out, proxy, timestamp
              FROM access_events FINAL
              WHERE source_ip = '83.149.9.216' AND timestamp = 1431857103000`,
      format: 'JSONEachRow',
    });
    expect(await result.json()).toEqual([
      {
        principal: '',
        source_ip: '83.149.9.216',
        method: 'GET',
        path: '/presentations/logstash-monitorama-2013/images/kibana-search.png',
        status: 200,
        bytes_out: '203023',
        proxy: 'apache',
        timestamp: '1431857103000',
      },
    ]);
  });
});
