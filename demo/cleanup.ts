import { Kafka, logLevel } from 'kafkajs';
import { createClickHouse } from '../clickhouse/client.ts';
import { ident, sql } from '../clickhouse/sql.ts';
import type { Config } from '../core/config.ts';

function adminFor(config: Config) {
  const kafka = new Kafka({
    brokers: [...config.kafka.brokers],
    clientId: 'eastwatch-demo',
    logLevel: logLevel.NOTHING,
  });
  return kafka.admin();
}

/** Counts the records in each topic's dead-letter topic; topics without one count 0. */
export async function countDeadLetters(
  config: Config,
  topics: string[],
  suffix: string,
): Promise<Map<string, number>> {
  const admin = adminFor(config);
  await admin.connect();
  try {
    const existing = new Set(await admin.listTopics());
    const counts = new Map<string, number>();
    for (const topic of topics) {
      const dlq = `${topic}${suffix}`;
      if (!existing.has(dlq)) continue;
      const offsets = await admin.fetchTopicOffsets(dlq);
      const records = offsets.reduce((n, p) => n + Number(p.high) - Number(p.low), 0);
      if (records > 0) counts.set(topic, records);
    }
    return counts;
  } finally {
    await admin.disconnect();
  }
}

/** Drops the run's database and deletes its topics, with their dead-letter topics. */
export async function removeDemoData(
  config: Config,
  database: string,
  topicPrefix: string,
): Promise<void> {
  const client = createClickHouse(config.clickhouse, { withoutDatabase: true });
  try {
    await client.command({ query: sql`DROP DATABASE IF EXISTS ${ident(database)}`.text });
  } finally {
    await client.close();
  }

  const admin = adminFor(config);
  await admin.connect();
  try {
    const topics = (await admin.listTopics()).filter((t) => t.startsWith(`${topicPrefix}.`));
    if (topics.length > 0) await admin.deleteTopics({ topics });
  } finally {
    await admin.disconnect();
  }
}
