import { mkdirSync, mkdtempSync, readFileSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClickHouse, type ClickHouseClient } from '../../clickhouse/client.ts';
import { migrate } from '../../clickhouse/migrate.ts';
import { parseConfig, type Config } from '../../core/config.ts';
import { clickhousePaths } from '../../stack/clickhouse.ts';
import { stopProcess } from '../../stack/process.ts';
import { stackDown, stackUp } from '../../stack/stack.ts';
import { createTopic, testKafka, uniqueName } from '../helpers/stack.ts';
import {
  APACHE_LINES,
  APACHE_LOG,
  countEvents,
  produceSlowly,
  spawnIngest,
  waitUntil,
  writeIngestConfig,
} from './ingest-harness.ts';

const OUTAGE_MS = 30_000;

// A stack of its own on other ports, because this test stops ClickHouse. It shares the broker
// jars already fetched for the main stack.
function outageStackConfig(): Config {
  const dir = mkdtempSync(join(tmpdir(), 'eastwatch-ingest-outage-'));
  mkdirSync(join(dir, 'kafka'), { recursive: true });
  symlinkSync(resolve('.eastwatch/kafka/lib'), join(dir, 'kafka', 'lib'));
  return parseConfig({
    kafka: { brokers: ['127.0.0.1:29092'] },
    clickhouse: { url: 'http://127.0.0.1:28123', database: uniqueName('ew_ingest_outage') },
    stack: {
      dir,
      kafkaPort: 29092,
      kafkaControllerPort: 29093,
      clickhouseHttpPort: 28123,
      clickhouseTcpPort: 29000,
    },
  });
}

describe('ingest through a ClickHouse outage', () => {
  const config = outageStackConfig();
  let client: ClickHouseClient;

  beforeAll(async () => {
    await stackUp(config.stack);
    await migrate(config.clickhouse);
    client = createClickHouse(config.clickhouse);
  }, 180_000);

  afterAll(async () => {
    await client?.close();
    await stackDown(config.stack);
  }, 120_000);

  it('stores every line once after 30 s down', async () => {
    const topic = uniqueName('outage');
    const broker = config.kafka.brokers[0]!;
    const admin = testKafka(config).admin();
    await admin.connect();
    await createTopic(admin, topic, 3);
    await admin.disconnect();

    const lines = readFileSync(APACHE_LOG, 'utf8').split('\n').slice(0, APACHE_LINES);
    const ingest = spawnIngest(
      // The idle time must outlast the stop of ClickHouse (a few seconds), the one pause in
      // which every record so far is stored and committed.
      ['--topic', topic, '--format', 'apache', '--principal', 'ip', '--exit-when-idle', '15'],
      {
        configFile: writeIngestConfig({
          maxBatchRows: 100,
          maxBatchWaitMs: 50,
          retryInitialMs: 200,
          retryMaxMs: 2000,
        }),
        brokers: broker,
        clickhouseUrl: config.clickhouse.url,
        database: config.clickhouse.database,
      },
    );

    // The outage starts once the consumer is storing rows, and the other 9,000 lines arrive
    // while ClickHouse is down.
    await produceSlowly(broker, topic, lines.slice(0, 1000), 1000, 0);
    await waitUntil(async () => (await countEvents(client)).rows >= 1000, 60_000, '1000 rows');
    await stopProcess(clickhousePaths(resolve(config.stack.dir)).process);
    await produceSlowly(broker, topic, lines.slice(1000), 250, 100);
    await sleep(OUTAGE_MS);
    await stackUp(config.stack);
    const exit = await ingest.exited;

    expect(exit).toEqual({ code: 0, signal: null });
    expect(ingest.stderr()).toContain('"msg":"write failed, retrying"');
    expect(ingest.stdout()).toBe(`inserted ${APACHE_LINES} events, dead-lettered 0 records\n`);
    const after = await countEvents(client);
    expect(after.ids).toBe(APACHE_LINES);
    expect(after.final).toBe(APACHE_LINES);
  }, 240_000);
});
