import { queryRows, type ClickHouseClient } from '../../clickhouse/client.ts';
import { sql } from '../../clickhouse/sql.ts';
import type { Alert } from '../alert.ts';
import { insertRows } from '../store.ts';

export type AuditDecision = 'revoke' | 'would_revoke' | 'refused' | 'revoked' | 'revoke_failed';

/** One row of `revocation_audit`. */
export interface AuditEntry {
  decidedAtMs: number;
  alert: Alert;
  mode: string;
  decision: AuditDecision;
  reason: string;
  /** Endpoint URL called, empty for decisions that called nothing. */
  endpoint: string;
  statusCode: number;
  detail: string;
}

export async function writeAudit(client: ClickHouseClient, entry: AuditEntry): Promise<void> {
  await insertRows(client, 'revocation_audit', [
    {
      decided_at_ms: entry.decidedAtMs,
      alert_id: entry.alert.id,
      principal: entry.alert.principal,
      credential: entry.alert.credential,
      severity: entry.alert.severity,
      mode: entry.mode,
      decision: entry.decision,
      reason: entry.reason,
      endpoint: entry.endpoint,
      status_code: entry.statusCode,
      detail: entry.detail,
    },
  ]);
}

/** Reads the revocations allowed since `sinceMs`, to seed the rate limiter at start. */
export async function recentRevocations(
  client: ClickHouseClient,
  sinceMs: number,
): Promise<{ principal: string; decidedAtMs: number }[]> {
  const rows = await queryRows<{ principal: string; decided_at_ms: string | number }>(
    client,
    sql`SELECT principal, decided_at_ms FROM revocation_audit
      WHERE decided_at_ms >= ${sinceMs} AND decision IN ('revoke', 'would_revoke')`,
    'revocation_audit',
  );
  return rows.map((row) => ({ principal: row.principal, decidedAtMs: Number(row.decided_at_ms) }));
}

/** Returns true when the endpoint already confirmed revoking this credential for this alert. */
export async function alreadyRevoked(client: ClickHouseClient, alert: Alert): Promise<boolean> {
  const rows = await queryRows<{ n: string | number }>(
    client,
    sql`SELECT count() AS n FROM revocation_audit
      WHERE alert_id = ${alert.id} AND credential = ${alert.credential} AND decision = 'revoked'`,
    'revocation_audit',
  );
  return Number(rows[0]?.n ?? 0) > 0;
}
