import { randomBytes } from 'node:crypto';
import { Kafka, logLevel, type Admin } from 'kafkajs';
import { createClickHouse, type ClickHouseClient } from '../../clickhouse/client.ts';
import { migrate } from '../../clickhouse/migrate.ts';
import { parseConfig, type Config } from '../../core/config.ts';
import { ident, sql } from '../../clickhouse/sql.ts';

/** A short random suffix that makes topic, group and database names unique per test. */
export function uniqueName(prefix: string): string {
  return `${prefix}_${Date.now().toString(36)}_${randomBytes(4).toString('hex')}`;
}

/** Configuration for the local stack, with `overrides` applied (for example a test database). */
export function testConfig(overrides: Record<string, unknown> = {}): Config {
  const base: Record<string, unknown> = {
    kafka: { brokers: [process.env['EASTWATCH_KAFKA_BROKERS'] ?? '127.0.0.1:9092'] },
    clickhouse: { url: process.env['EASTWATCH_CLICKHOUSE_URL'] ?? 'http://127.0.0.1:8123' },
  };
  for (const [key, value] of Object.entries(overrides)) {
    base[key] = { ...(base[key] as object | undefined), ...(value as object) };
  }
  return parseConfig(base, 'test configuration');
}

export function testKafka(config: Config): Kafka {
  return new Kafka({
    brokers: config.kafka.brokers,
    clientId: 'eastwatch-test',
    logLevel: logLevel.NOTHING,
  });
}

/** Creates a topic with `partitions` partitions and waits until it has leaders. */
export async function createTopic(admin: Admin, topic: string, partitions = 1): Promise<void> {
  await admin.createTopics({
    topics: [{ topic, numPartitions: partitions }],
    waitForLeaders: true,
  });
}

/** A fresh database with every migration applied; `drop()` removes it. */
export interface TestDatabase {
  config: Config;
  client: ClickHouseClient;
  drop: () => Promise<void>;
}

export async function createTestDatabase(prefix = 'ew_test'): Promise<TestDatabase> {
  const database = uniqueName(prefix);
  const config = testConfig({ clickhouse: { database } });
  await migrate(config.clickhouse);
  const client = createClickHouse(config.clickhouse);
  return {
    config,
    client,
    drop: async () => {
      await client.command({ query: sql`DROP DATABASE IF EXISTS ${ident(database)}`.text });
      await client.close();
    },
  };
}
