import { queryRows, type ClickHouseClient } from '../clickhouse/client.ts';
import { joinSql, sql } from '../clickhouse/sql.ts';
import type { PeerGroupPrior, PrincipalBaseline } from './baseline.ts';
import { readRunsInState, type RunRow } from './runs-table.ts';

/**
 * Reading published baselines from ClickHouse. Only runs whose newest state is `published` are
 * visible, so a run that is still writing, failed, or was rolled back is never read.
 */

/** Returns the published runs, newest version first. */
export async function publishedRuns(client: ClickHouseClient): Promise<RunRow[]> {
  return readRunsInState(client, 'published');
}

/**
 * Reads the newest published baseline of every principal (or of the given principals). A
 * principal missing from the newest run keeps its baseline from the newest run that has it, as
 * long as that version is still kept.
 */
export async function readCurrentBaselines(
  client: ClickHouseClient,
  options: { principals?: string[] } = {},
): Promise<Map<string, PrincipalBaseline>> {
  const runs = await publishedRuns(client);
  const result = new Map<string, PrincipalBaseline>();
  if (runs.length === 0 || options.principals?.length === 0) return result;

  const runKeys = joinSql(runs.map((run) => sql`(${run.version}, ${run.run_id})`));
  const principalFilter =
    options.principals === undefined
      ? sql``
      : sql`AND principal IN (${joinSql(options.principals)})`;
  // The newest version per principal is found from the small columns first; PREWHERE then reads
  // documents only from granules of those versions, since each partition contains one version.
  const rows = await queryRows<{ principal: string; document: string }>(
    client,
    sql`SELECT principal, document FROM baselines
      PREWHERE (principal, version) IN (
        SELECT principal, max(version) FROM baselines
        WHERE (version, run_id) IN (${runKeys}) ${principalFilter}
        GROUP BY principal)
      ORDER BY principal`,
    'baselines',
  );
  for (const row of rows) result.set(row.principal, JSON.parse(row.document) as PrincipalBaseline);
  return result;
}

/** Reads the peer-group priors of the newest published run; empty when none is published. */
export async function readPriors(client: ClickHouseClient): Promise<PeerGroupPrior[]> {
  const newest = (await publishedRuns(client))[0];
  if (newest === undefined || newest.priors === '') return [];
  return JSON.parse(newest.priors) as PeerGroupPrior[];
}

/**
 * Returns the newest published version, or 0 when none is published. One small aggregate over
 * the runs table, cheap enough to poll. The value goes down after a rollback, so a caller should
 * reload whenever it changes, not only when it grows.
 */
export async function currentVersion(client: ClickHouseClient): Promise<number> {
  const rows = await queryRows<{ version: string | number }>(
    client,
    sql`SELECT max(version) AS version FROM (
      SELECT version, argMax(state, updated_at_ms) AS state FROM baseline_runs
      GROUP BY version, run_id) WHERE state = 'published'`,
    'baseline_runs',
  );
  return Number(rows[0]?.version ?? 0);
}

/** Reads one principal's baseline from one version, whatever that version's state. */
export async function readBaselineVersion(
  client: ClickHouseClient,
  principal: string,
  version: number,
): Promise<PrincipalBaseline | undefined> {
  const rows = await queryRows<{ document: string }>(
    client,
    sql`SELECT document FROM baselines WHERE version = ${version} AND principal = ${principal} LIMIT 1`,
    'baselines',
  );
  return rows[0] === undefined ? undefined : (JSON.parse(rows[0].document) as PrincipalBaseline);
}
