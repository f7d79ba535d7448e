import type { ClickHouseClient } from '../clickhouse/client.ts';
import { insertRows } from './store.ts';

/** One delivery attempt, as recorded in `alert_delivery_attempts`. */
export interface DeliveryAttempt {
  alertId: string;
  sink: string;
  messageId: string;
  attempt: number;
  startedAtMs: number;
  durationMs: number;
  outcome: 'delivered' | 'failed';
  /** HTTP status, 0 when there was none (connection error, timeout, Kafka). */
  statusCode: number;
  retriable: boolean;
  error: string;
}

export async function recordAttempt(
  client: ClickHouseClient,
  attempt: DeliveryAttempt,
): Promise<void> {
  await insertRows(client, 'alert_delivery_attempts', [
    {
      alert_id: attempt.alertId,
      sink: attempt.sink,
      message_id: attempt.messageId,
      attempt: attempt.attempt,
      started_at_ms: attempt.startedAtMs,
      duration_ms: attempt.durationMs,
      outcome: attempt.outcome,
      status_code: attempt.statusCode,
      retriable: attempt.retriable ? 1 : 0,
      error: attempt.error,
    },
  ]);
}
