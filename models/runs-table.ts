import {
  ClickHouseError,
  isTransientClickHouseFailure,
  queryRows,
  type ClickHouseClient,
} from '../clickhouse/client.ts';
import { joinSql, raw, sql, type SqlFragment } from '../clickhouse/sql.ts';

/** The state of a training run; the newest row per (version, run_id) is the current one. */
export type RunState = 'claimed' | 'published' | 'failed' | 'rolled_back' | 'pruned' | 'abandoned';

/** A row of `baseline_runs`. */
export interface RunRow {
  version: number;
  run_id: string;
  state: RunState;
  started_at_ms: number;
  window_start_ms: number;
  window_end_ms: number;
  principals: number;
  events: number;
  parameters: string;
  priors: string;
  updated_at_ms: number;
}

const RUN_COLUMNS = [
  'version',
  'run_id',
  'state',
  'started_at_ms',
  'window_start_ms',
  'window_end_ms',
  'principals',
  'events',
  'parameters',
  'priors',
];

/**
 * Selects the newest row of every run. argMax by updated_at_ms replaces FINAL, because a
 * filter on `state` next to FINAL may be moved to PREWHERE and run before rows are collapsed. The
 * inner aliases carry a prefix because an alias equal to a column name would shadow the column
 * inside the other aggregates.
 */
function latestRunsQuery(where: SqlFragment = sql``): SqlFragment {
  // Column names are constants of this file, so raw() is safe for them.
  const names = RUN_COLUMNS.filter((c) => c !== 'version' && c !== 'run_id');
  const inner = names.map((c) => raw(`argMax(${c}, updated_at_ms) AS latest_${c}`));
  const outer = names.map((c) => raw(`latest_${c} AS ${c}`));
  return sql`SELECT version, run_id, ${joinSql(outer)}, latest_update_ms AS updated_at_ms FROM (
    SELECT version, run_id, ${joinSql(inner)}, max(updated_at_ms) AS latest_update_ms
    FROM baseline_runs ${where} GROUP BY version, run_id)`;
}

/** Reads the newest state of every run, newest version first. */
export async function readRuns(
  client: ClickHouseClient,
  where: SqlFragment = sql``,
): Promise<RunRow[]> {
  const rows = await queryRows<RunRow>(
    client,
    sql`${latestRunsQuery(where)} ORDER BY version DESC, run_id`,
    'baseline_runs',
  );
  return rows.map(numericRun);
}

/** Reads the newest state of runs in one state, newest version first. */
export async function readRunsInState(
  client: ClickHouseClient,
  state: RunState,
): Promise<RunRow[]> {
  const rows = await queryRows<RunRow>(
    client,
    sql`SELECT * FROM (${latestRunsQuery()}) WHERE state = ${state} ORDER BY version DESC`,
    'baseline_runs',
  );
  return rows.map(numericRun);
}

/** Appends a state row for a run. */
export async function insertRunRow(client: ClickHouseClient, row: RunRow): Promise<void> {
  await insertRows(client, 'baseline_runs', [row as unknown as Record<string, unknown>]);
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

/** ClickHouse sends UInt64 as a string in JSON; the values here fit in a double. */
function numericRun(row: RunRow): RunRow {
  return {
    ...row,
    version: Number(row.version),
    started_at_ms: Number(row.started_at_ms),
    window_start_ms: Number(row.window_start_ms),
    window_end_ms: Number(row.window_end_ms),
    principals: Number(row.principals),
    events: Number(row.events),
    updated_at_ms: Number(row.updated_at_ms),
  };
}
