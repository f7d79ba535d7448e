import type { ClickHouseClient } from '../clickhouse/client.ts';
import { queryRows } from '../clickhouse/client.ts';
import { joinSql, sql } from '../clickhouse/sql.ts';
import type { AccessEvent } from '../schemas/access-event.ts';

/** A partition to rebuild, with the offset below which its events were already scored. */
export interface RebuildPartition {
  partition: number;
  /** First offset the consumer will read; -1 when the group has no committed offset. */
  committedOffset: number;
}

interface EventRow {
  id: string;
  timestamp: string | number;
  principal: string;
  credential: string;
  source_ip: string;
  user_agent: string;
  method: string;
  host: string;
  path: string;
  route: string;
  status: number;
  bytes_in: string | number;
  bytes_out: string | number;
  duration_ms: number;
  proxy: string;
  topic: string;
  partition: number;
  offset: string | number;
}

/**
 * Reads the recent events of a topic's partitions from `access_events`, oldest first, to
 * rebuild principal state after a rebalance. Only events below each partition's committed
 * offset are read, because the consumer scores the rest itself. A partition without a committed
 * offset is read up to now. FINAL collapses replayed copies of an event that the
 * ReplacingMergeTree has not merged yet.
 */
export async function readRecentEvents(
  client: ClickHouseClient,
  topic: string,
  partitions: RebuildPartition[],
  sinceMs: number,
): Promise<AccessEvent[]> {
  if (partitions.length === 0) return [];
  const conditions = partitions.map(({ partition, committedOffset }) =>
    committedOffset >= 0
      ? sql`(\`partition\` = ${partition} AND \`offset\` < ${committedOffset})`
      : sql`(\`partition\` = ${partition})`,
  );
  const rows = await queryRows<EventRow>(
    client,
    sql`SELECT id, \`timestamp\`, principal, credential, source_ip, user_agent, method, host, path,
        route, status, bytes_in, bytes_out, duration_ms, proxy, topic, \`partition\`, \`offset\`
      FROM access_events FINAL
      WHERE topic = ${topic} AND \`timestamp\` >= ${sinceMs} AND principal != ''
        AND (${joinSql(conditions, ' OR ')})
      ORDER BY \`timestamp\`, id`,
    'access_events',
  );
  return rows.map(toEvent);
}

function toEvent(row: EventRow): AccessEvent {
  return {
    id: row.id,
    timestamp: Number(row.timestamp),
    principal: row.principal,
    credential: row.credential,
    sourceIp: row.source_ip,
    userAgent: row.user_agent,
    method: row.method,
    host: row.host,
    path: row.path,
    route: row.route,
    status: Number(row.status),
    bytesIn: Number(row.bytes_in),
    bytesOut: Number(row.bytes_out),
    durationMs: Number(row.duration_ms),
    proxy: row.proxy,
    topic: row.topic,
    partition: Number(row.partition),
    offset: Number(row.offset),
  };
}
