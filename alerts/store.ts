import { queryRows, ClickHouseError, isTransientClickHouseFailure } from '../clickhouse/client.ts';
import type { ClickHouseClient } from '../clickhouse/client.ts';
import { sql } from '../clickhouse/sql.ts';
import { detectorSet, type Alert, type AlertStatus } from './alert.ts';

/** A row of the `alerts` table, as read back with FINAL. */
export interface StoredAlert {
  alert: Alert;
  status: AlertStatus;
  statusReason: string;
  updatedAtMs: number;
}

interface AlertRow {
  id: string;
  timestamp: string | number;
  principal: string;
  credential: string;
  severity: string;
  risk: number;
  window_start_ms: string | number;
  window_end_ms: string | number;
  baseline_version: string | number;
  detectors: string[];
  findings: string;
  source_ips: string[];
  status: string;
  status_reason: string;
  updated_at_ms: string | number;
}

const COLUMNS = sql`id, timestamp, principal, credential, severity, risk, window_start_ms,
  window_end_ms, baseline_version, detectors, findings, source_ips, status, status_reason,
  updated_at_ms`;

/** Inserts a version of an alert; the row with the largest `updatedAtMs` wins. */
export async function writeAlert(
  client: ClickHouseClient,
  alert: Alert,
  status: AlertStatus,
  statusReason: string,
  updatedAtMs: number,
): Promise<void> {
  const row = {
    id: alert.id,
    timestamp: alert.timestamp,
    principal: alert.principal,
    credential: alert.credential,
    severity: alert.severity,
    risk: alert.risk,
    window_start_ms: alert.windowStartMs,
    window_end_ms: alert.windowEndMs,
    baseline_version: alert.baselineVersion,
    detectors: detectorSet(alert),
    findings: JSON.stringify(alert.findings),
    source_ips: alert.sourceIps,
    status,
    status_reason: statusReason,
    updated_at_ms: updatedAtMs,
  };
  await insertRows(client, 'alerts', [row]);
}

/** Inserts rows as JSONEachRow, wrapping failures with their retry verdict. */
export async function insertRows(
  client: ClickHouseClient,
  table: string,
  values: Record<string, unknown>[],
): Promise<void> {
  try {
    await client.insert({ table, values, format: 'JSONEachRow' });
  } catch (cause) {
    throw new ClickHouseError('ClickHouse insert failed', {
      cause,
      retriable: isTransientClickHouseFailure(cause),
      table,
    });
  }
}

/** Reads the newest version of one alert, or undefined when the id is unknown. */
export async function readAlert(
  client: ClickHouseClient,
  id: string,
): Promise<StoredAlert | undefined> {
  const rows = await queryRows<AlertRow>(
    client,
    sql`SELECT ${COLUMNS} FROM alerts FINAL WHERE id = ${id} LIMIT 1`,
    'alerts',
  );
  return rows[0] === undefined ? undefined : fromRow(rows[0]);
}

/**
 * Finds the newest alert that is not dismissed for a principal and detector set, raised at or after
 * `sinceMs`: the alert a new one folds into.
 */
export async function findActiveAlert(
  client: ClickHouseClient,
  principal: string,
  detectors: string[],
  sinceMs: number,
): Promise<StoredAlert | undefined> {
  const rows = await queryRows<AlertRow>(
    client,
    sql`SELECT ${COLUMNS} FROM alerts FINAL
      WHERE principal = ${principal} AND detectors = ${detectors}
        AND timestamp >= ${sinceMs} AND status != 'dismissed'
      ORDER BY timestamp DESC LIMIT 1`,
    'alerts',
  );
  return rows[0] === undefined ? undefined : fromRow(rows[0]);
}

/** Lists the newest alerts, optionally of one status. */
export async function listAlerts(
  client: ClickHouseClient,
  options: { status?: AlertStatus; limit: number },
): Promise<StoredAlert[]> {
  const filter = options.status === undefined ? sql`1` : sql`status = ${options.status}`;
  const rows = await queryRows<AlertRow>(
    client,
    sql`SELECT ${COLUMNS} FROM alerts FINAL WHERE ${filter}
      ORDER BY timestamp DESC LIMIT ${options.limit}`,
    'alerts',
  );
  return rows.map(fromRow);
}

function fromRow(row: AlertRow): StoredAlert {
  const alert: Alert = {
    id: row.id,
    timestamp: Number(row.timestamp),
    principal: row.principal,
    credential: row.credential,
    severity: row.severity as Alert['severity'],
    risk: Number(row.risk),
    windowStartMs: Number(row.window_start_ms),
    windowEndMs: Number(row.window_end_ms),
    baselineVersion: Number(row.baseline_version),
    findings: JSON.parse(row.findings) as Alert['findings'],
    sourceIps: row.source_ips,
  };
  return {
    alert,
    status: row.status as AlertStatus,
    statusReason: row.status_reason,
    updatedAtMs: Number(row.updated_at_ms),
  };
}
