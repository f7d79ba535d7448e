import type { ClickHouseClient } from '../clickhouse/client.ts';
import { ConfigError } from '../core/errors.ts';
import type { AlertStatus } from './alert.ts';
import { AlertNotFoundError } from './errors.ts';
import { readAlert, writeAlert, type StoredAlert } from './store.ts';

/**
 * Sets an alert's status by writing a newer version of its row. A dismissed alert no longer
 * suppresses new ones, and training reads its window again (it skips only alerts that are not
 * dismissed). Dismissing needs a reason, which is stored with the alert.
 */
export async function setAlertStatus(
  client: ClickHouseClient,
  id: string,
  status: Exclude<AlertStatus, 'open'>,
  reason: string,
  nowMs: number = Date.now(),
): Promise<StoredAlert> {
  if (status === 'dismissed' && reason.trim() === '') {
    throw new ConfigError('dismissing an alert needs a reason; pass --reason TEXT');
  }
  const stored = await readAlert(client, id);
  if (stored === undefined) throw new AlertNotFoundError(id);

  // ReplacingMergeTree keeps the row with the largest updated_at_ms, so the new one must be larger
  // even when the clock is behind the row's writer.
  const updatedAtMs = Math.max(nowMs, stored.updatedAtMs + 1);
  await writeAlert(client, stored.alert, status, reason, updatedAtMs);
  return { ...stored, status, statusReason: reason, updatedAtMs };
}
