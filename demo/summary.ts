import { queryRows, type ClickHouseClient } from '../clickhouse/client.ts';
import { sql } from '../clickhouse/sql.ts';
import { listAlerts } from '../alerts/store.ts';
import type { Alert } from '../alerts/alert.ts';
import { readCurrentBaselines } from '../models/store.ts';
import type { PrincipalBaseline } from '../models/baseline.ts';
import type { ReportData } from '../report/report.ts';
import { networkOf } from '../models/networks.ts';

export interface RevocationDecision {
  alertId: string;
  principal: string;
  decision: string;
  reason: string;
  mode: string;
}

export interface DemoFacts {
  eventsPerTopic: { topic: string; events: number }[];
  baselines: Map<string, PrincipalBaseline>;
  alerts: Alert[];
  decisions: RevocationDecision[];
}

/** Reads what the pipeline stored: events per topic (each event once), baselines, alerts, audit. */
export async function readDemoFacts(client: ClickHouseClient): Promise<DemoFacts> {
  const topics = await queryRows<{ topic: string; events: string }>(
    client,
    sql`SELECT topic, uniqExact(id) AS events FROM access_events GROUP BY topic ORDER BY topic`,
  );
  const decisions = await queryRows<{
    alert_id: string;
    principal: string;
    decision: string;
    reason: string;
    mode: string;
  }>(
    client,
    sql`SELECT alert_id, principal, decision, reason, mode FROM revocation_audit ORDER BY decided_at_ms`,
  );
  const stored = await listAlerts(client, { limit: 1000 });
  return {
    eventsPerTopic: topics.map((t) => ({ topic: t.topic, events: Number(t.events) })),
    baselines: await readCurrentBaselines(client),
    alerts: stored.map((s) => s.alert).sort((a, b) => a.timestamp - b.timestamp),
    decisions: decisions.map((d) => ({
      alertId: d.alert_id,
      principal: d.principal,
      decision: d.decision,
      reason: d.reason,
      mode: d.mode,
    })),
  };
}

const BUCKET_MS = 30 * 60_000;

/**
 * Buckets one principal's traffic over the last `days` before `endMs` into half hours, splitting
 * calls from networks in its baseline from calls from networks it has never used.
 */
export async function readTimeline(
  client: ClickHouseClient,
  principal: string,
  baseline: PrincipalBaseline | undefined,
  endMs: number,
  days = 3,
): Promise<NonNullable<ReportData['timeline']>> {
  const startMs = endMs - days * 86_400_000;
  const rows = await queryRows<{ bucket: string; source_ip: string; calls: string }>(
    client,
    sql`SELECT intDiv(timestamp, ${BUCKET_MS}) * ${BUCKET_MS} AS bucket, source_ip, uniqExact(id) AS calls
      FROM access_events
      WHERE principal = ${principal} AND timestamp >= ${startMs} AND timestamp < ${endMs}
      GROUP BY bucket, source_ip ORDER BY bucket`,
  );
  const known = new Set((baseline?.networks ?? []).map((n) => n.key));
  const buckets = new Map<number, { startMs: number; usual: number; fromNewNetworks: number }>();
  for (let ms = Math.floor(startMs / BUCKET_MS) * BUCKET_MS; ms < endMs; ms += BUCKET_MS) {
    buckets.set(ms, { startMs: ms, usual: 0, fromNewNetworks: 0 });
  }
  for (const row of rows) {
    const bucket = buckets.get(Number(row.bucket));
    if (!bucket) continue;
    if (known.has(networkOf(row.source_ip) ?? '')) bucket.usual += Number(row.calls);
    else bucket.fromNewNetworks += Number(row.calls);
  }
  return {
    principal,
    timeZone: baseline?.timeZone ?? 'UTC',
    bucketMs: BUCKET_MS,
    buckets: [...buckets.values()],
  };
}
