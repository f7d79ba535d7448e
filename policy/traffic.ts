import { queryRows, type ClickHouseClient } from '../clickhouse/client.ts';
import { sql } from '../clickhouse/sql.ts';

/** Live calls of one principal to one method, host and route over a window. */
export interface TrafficCall {
  principal: string;
  method: string;
  host: string;
  route: string;
  count: number;
  firstSeenMs: number;
  lastSeenMs: number;
  /** Ids of up to {@link MAX_EVENT_IDS} of the calls, for the reviewer to look up. */
  eventIds: string[];
}

export const MAX_EVENT_IDS = 10;

interface TrafficRow {
  principal: string;
  call_method: string;
  call_host: string;
  route: string;
  calls: string | number;
  first_seen_ms: string | number;
  last_seen_ms: string | number;
  event_ids: string[];
}

/**
 * Reads the calls of every principal in `[startMs, endMs)` from `access_events`, one row per
 * principal, method, host and route. FINAL collapses replayed events, so each call counts once.
 * Events without a principal are left out: no principal's policy can allow them.
 */
export async function readTraffic(
  client: ClickHouseClient,
  startMs: number,
  endMs: number,
): Promise<TrafficCall[]> {
  const rows = await queryRows<TrafficRow>(
    client,
    sql`SELECT principal, upper(method) AS call_method, lower(host) AS call_host, route,
          count() AS calls, min(timestamp) AS first_seen_ms, max(timestamp) AS last_seen_ms,
          groupArray(${MAX_EVENT_IDS})(id) AS event_ids
        FROM access_events FINAL
        WHERE timestamp >= ${startMs} AND timestamp < ${endMs} AND principal != ''
        GROUP BY principal, call_method, call_host, route
        ORDER BY principal, call_host, route, call_method`,
    'access_events',
  );
  return rows.map((row) => ({
    principal: row.principal,
    method: row.call_method,
    host: row.call_host,
    route: row.route,
    count: Number(row.calls),
    firstSeenMs: Number(row.first_seen_ms),
    lastSeenMs: Number(row.last_seen_ms),
    eventIds: row.event_ids,
  }));
}
