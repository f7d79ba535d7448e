import { randomUUID } from 'node:crypto';
import { queryRows, type ClickHouseClient } from '../clickhouse/client.ts';
import { sql } from '../clickhouse/sql.ts';
import { componentLogger } from '../core/logger.ts';
import type { ExcludedRange } from './accumulate.ts';
import type { PrincipalBaseline } from './baseline.ts';
import type { TrainConfig } from './config.ts';
import { buildOwnBaselines, groupAndApplyPriors, type TrainResult } from './finish.ts';
import type { ZoneHours } from './hour-of-week.ts';
import { readPrincipalCounts, readRollups, type RollupSource } from './rollup-queries.ts';
import { claimVersion, failRun, publishRun, pruneVersions, type RunClaim } from './runs.ts';
import { insertRows } from './runs-table.ts';
import { DAY_MS } from './train-memory.ts';

const log = componentLogger('train');

export interface TrainRunOptions {
  /** End of the window, exclusive, and the run's time; default now. */
  nowMs?: number;
  /** Window length in days; default `train.windowDays`. */
  windowDays?: number;
  /** Most principals read per batch of rollup queries. */
  batchPrincipals?: number;
  /**
   * Maximum events per batch (a principal with more still forms its own batch). Batches bound the
   * trainer's memory, and fewer, larger batches save the fixed cost of each FINAL query.
   */
  batchEvents?: number;
}

export interface TrainRunResult {
  version: number;
  runId: string;
  principals: number;
  events: number;
  windowStartMs: number;
  windowEndMs: number;
  durationMs: number;
  prunedVersions: number[];
}

const DEFAULT_BATCH_PRINCIPALS = 10_000;
const DEFAULT_BATCH_EVENTS = 2_000_000;
const INSERT_CHUNK_ROWS = 2000;

/**
 * Trains every principal from `access_events` and publishes a new version. The run claims a
 * version, reads the alerted ranges to leave out, and aggregates in ClickHouse batch by batch. It
 * then computes baselines, peer groups and priors, inserts the rows, publishes them with one
 * marker row and prunes old versions. A run that fails at any step is marked failed, its rows are
 * dropped, and nothing is published.
 */
export async function runTraining(
  client: ClickHouseClient,
  config: TrainConfig,
  options: TrainRunOptions = {},
): Promise<TrainRunResult> {
  const startedAtMs = Date.now();
  const windowEndMs = options.nowMs ?? startedAtMs;
  const windowStartMs = windowEndMs - (options.windowDays ?? config.windowDays) * DAY_MS;
  const claim: RunClaim = {
    run_id: randomUUID(),
    started_at_ms: startedAtMs,
    window_start_ms: windowStartMs,
    window_end_ms: windowEndMs,
    principals: 0,
    events: 0,
    parameters: JSON.stringify(config),
    priors: '',
  };
  const version = await claimVersion(client, claim);
  log.info({ version, run_id: claim.run_id, window_start_ms: windowStartMs }, 'training started');

  try {
    const source = {
      windowStartMs,
      windowEndMs,
      excluded: await readExcludedRanges(client, windowStartMs, windowEndMs),
    };
    const window = { version, trainedAtMs: windowEndMs, windowStartMs, windowEndMs };
    const result = await trainFromClickHouse(client, config, source, window, options);
    const events = await writeBaselines(client, version, claim.run_id, result.baselines);

    const run = {
      ...claim,
      version,
      principals: result.baselines.size,
      events,
      priors: JSON.stringify(result.priors),
    };
    await publishRun(client, run);
    const prunedVersions = await pruneVersions(client, config.keepVersions);
    const durationMs = Date.now() - startedAtMs;
    log.info(
      { version, principals: run.principals, events, duration_ms: durationMs },
      'training published',
    );
    return {
      version,
      runId: claim.run_id,
      principals: run.principals,
      events,
      windowStartMs,
      windowEndMs,
      durationMs,
      prunedVersions,
    };
  } catch (error) {
    log.error({ err: error, version, run_id: claim.run_id }, 'training failed');
    await failRun(client, { ...claim, version }).catch((cause: unknown) => {
      log.error({ err: cause, version }, 'failed run not cleaned up');
    });
    throw error;
  }
}

/** Reads, batch by batch, the rollups of every principal and turns them into baselines. */
export async function trainFromClickHouse(
  client: ClickHouseClient,
  config: TrainConfig,
  source: RollupSource,
  window: { version: number; trainedAtMs: number; windowStartMs: number; windowEndMs: number },
  limits: Pick<TrainRunOptions, 'batchPrincipals' | 'batchEvents'> = {},
): Promise<TrainResult> {
  const counts = await readPrincipalCounts(client, source);
  const batches = splitBatches(
    counts,
    limits.batchPrincipals ?? DEFAULT_BATCH_PRINCIPALS,
    limits.batchEvents ?? DEFAULT_BATCH_EVENTS,
  );
  const hoursByZone = new Map<string, ZoneHours>();
  const own: PrincipalBaseline[] = [];
  const read = (batch: string[]) => readRollups(client, source, batch[0]!, batch.at(-1)!);

  // ClickHouse aggregates the next batch while this process computes the current one.
  let pending = batches[0] === undefined ? undefined : read(batches[0]);
  for (let i = 0; i < batches.length; i++) {
    const rollups = await pending!;
    const next = batches[i + 1];
    pending = next === undefined ? undefined : read(next);
    // A failure of the next read is raised when it is awaited, not as an unhandled rejection.
    pending?.catch(() => undefined);
    own.push(...buildOwnBaselines(rollups, config, window, hoursByZone));
  }
  return groupAndApplyPriors(own, config);
}

/** Splits principals, in name order, into batches under both limits. */
export function splitBatches(
  counts: readonly { principal: string; events: number }[],
  maxPrincipals: number,
  maxEvents: number,
): string[][] {
  const batches: string[][] = [];
  let batch: string[] = [];
  let events = 0;
  for (const { principal, events: n } of counts) {
    if (batch.length > 0 && (batch.length >= maxPrincipals || events + n > maxEvents)) {
      batches.push(batch);
      batch = [];
      events = 0;
    }
    batch.push(principal);
    events += n;
  }
  if (batch.length > 0) batches.push(batch);
  return batches;
}

/**
 * Reads the alerted ranges that overlap the window from alerts that are not dismissed. The newest
 * row of each alert is taken with argMax rather than FINAL, so the status filter reads collapsed
 * rows.
 */
export async function readExcludedRanges(
  client: ClickHouseClient,
  windowStartMs: number,
  windowEndMs: number,
): Promise<Map<string, ExcludedRange[]>> {
  const rows = await queryRows<{ principal: string; start_ms: string; end_ms: string }>(
    client,
    sql`SELECT principal, start_ms, end_ms FROM (
        SELECT id, argMax(principal, updated_at_ms) AS principal,
          argMax(window_start_ms, updated_at_ms) AS start_ms,
          argMax(window_end_ms, updated_at_ms) AS end_ms,
          argMax(status, updated_at_ms) AS latest_status
        FROM alerts GROUP BY id)
      WHERE latest_status != 'dismissed' AND principal != ''
        AND end_ms >= ${windowStartMs} AND start_ms < ${windowEndMs}
      ORDER BY principal, start_ms`,
    'alerts',
  );
  const excluded = new Map<string, ExcludedRange[]>();
  for (const row of rows) {
    const range = { startMs: Number(row.start_ms), endMs: Number(row.end_ms) };
    const list = excluded.get(row.principal);
    if (list === undefined) excluded.set(row.principal, [range]);
    else list.push(range);
  }
  return excluded;
}

/** Inserts one row per baseline in chunks and returns the total event count. */
async function writeBaselines(
  client: ClickHouseClient,
  version: number,
  runId: string,
  baselines: Map<string, PrincipalBaseline>,
): Promise<number> {
  let events = 0;
  let chunk: Record<string, unknown>[] = [];
  for (const baseline of baselines.values()) {
    events += baseline.eventCount;
    chunk.push({
      version,
      run_id: runId,
      principal: baseline.principal,
      trained_at_ms: baseline.trainedAtMs,
      window_start_ms: baseline.windowStartMs,
      window_end_ms: baseline.windowEndMs,
      event_count: baseline.eventCount,
      mature: baseline.mature ? 1 : 0,
      peer_group: baseline.peer?.group ?? -1,
      document: JSON.stringify(baseline),
    });
    if (chunk.length >= INSERT_CHUNK_ROWS) {
      await insertRows(client, 'baselines', chunk);
      chunk = [];
    }
  }
  if (chunk.length > 0) await insertRows(client, 'baselines', chunk);
  return events;
}
