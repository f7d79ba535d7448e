import { queryRows, type ClickHouseClient } from '../clickhouse/client.ts';
import { sql } from '../clickhouse/sql.ts';
import type { Alert } from './alert.ts';
import { insertRows } from './store.ts';

export type OutboxStatus = 'pending' | 'delivered' | 'failed';

/** One alert waiting for (or done with) delivery to one sink. */
export interface OutboxEntry {
  alert: Alert;
  sink: string;
  /** The webhook-id: the same on every attempt, so receivers can deduplicate. */
  messageId: string;
  attempts: number;
  createdAtMs: number;
}

interface OutboxRow {
  alert_id: string;
  sink: string;
  message_id: string;
  payload: string;
  attempts: string | number;
  created_at_ms: string | number;
}

/** Stores entries as pending, in one insert. Delivery starts only after this resolves. */
export async function enqueue(client: ClickHouseClient, entries: OutboxEntry[]): Promise<void> {
  if (entries.length === 0) return;
  await insertRows(
    client,
    'alert_outbox',
    entries.map((entry) => toRow(entry, 'pending', entry.createdAtMs, '')),
  );
}

/** Records the entry's new state after an attempt. */
export async function updateEntry(
  client: ClickHouseClient,
  entry: OutboxEntry,
  status: OutboxStatus,
  updatedAtMs: number,
  lastError: string,
): Promise<void> {
  await insertRows(client, 'alert_outbox', [toRow(entry, status, updatedAtMs, lastError)]);
}

/**
 * Reads every pending entry, oldest first: the work left by a stopped or crashed process.
 * NOTE: the whole backlog is read into memory at once, and FINAL scans the whole table. Nothing
 * prunes the table, so a very large outbox makes start() slow.
 */
export async function pendingEntries(client: ClickHouseClient): Promise<OutboxEntry[]> {
  const rows = await queryRows<OutboxRow>(
    client,
    sql`SELECT alert_id, sink, message_id, payload, attempts, created_at_ms
      FROM alert_outbox FINAL WHERE status = 'pending' ORDER BY created_at_ms`,
    'alert_outbox',
  );
  return rows.map((row) => ({
    alert: JSON.parse(row.payload) as Alert,
    sink: row.sink,
    messageId: row.message_id,
    attempts: Number(row.attempts),
    createdAtMs: Number(row.created_at_ms),
  }));
}

function toRow(
  entry: OutboxEntry,
  status: OutboxStatus,
  updatedAtMs: number,
  lastError: string,
): Record<string, unknown> {
  return {
    alert_id: entry.alert.id,
    sink: entry.sink,
    message_id: entry.messageId,
    payload: JSON.stringify(entry.alert),
    status,
    attempts: entry.attempts,
    created_at_ms: entry.createdAtMs,
    updated_at_ms: updatedAtMs,
    last_error: lastError,
  };
}
