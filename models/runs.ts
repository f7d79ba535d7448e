import { setTimeout as sleep } from 'node:timers/promises';
import { execute, queryRows, type ClickHouseClient } from '../clickhouse/client.ts';
import { sql } from '../clickhouse/sql.ts';
import { EastwatchError } from '../core/errors.ts';
import { insertRunRow, readRuns, type RunRow, type RunState } from './runs-table.ts';

/**
 * The lifecycle of a training run in `baseline_runs`: claim a version, publish or fail, roll back,
 * prune. ClickHouse has no transactions, so a version is claimed optimistically: a run inserts a
 * claim for the next free number and then reads every claim of that number. Each run reads after
 * its own insert, so of two runs that claim the same number at least the later one reads the
 * other's claim. A run that reads any other claimant abandons the number and tries the next one.
 */
export const MAX_CLAIM_ATTEMPTS = 10;

/** Raised when a version cannot be claimed because other runs keep taking the same numbers. */
export class VersionClaimError extends EastwatchError {
  constructor(attempts: number) {
    super(
      'BASELINE_VERSION_CONFLICT',
      `could not claim a baseline version after ${attempts} attempts because other training runs ` +
        'claimed the same numbers; retry, or run fewer trainers at once',
      { retriable: true },
    );
  }
}

/** Raised by rollback for a version that is not kept. */
export class VersionNotFoundError extends EastwatchError {
  constructor(version: number, kept: number[]) {
    super(
      'BASELINE_VERSION_NOT_FOUND',
      `baseline version ${version} is not kept; choose one of: ${kept.join(', ') || 'none'}`,
      { context: { version } },
    );
  }
}

let lastUpdateMs = 0;

/** Returns a millisecond timestamp larger than the previous one, so state rows order strictly. */
function nextUpdateMs(): number {
  lastUpdateMs = Math.max(Date.now(), lastUpdateMs + 1);
  return lastUpdateMs;
}

/** A run's fixed fields; state, counts and priors change as the run proceeds. */
export type RunClaim = Omit<RunRow, 'version' | 'state' | 'updated_at_ms'>;

async function writeState(
  client: ClickHouseClient,
  row: Omit<RunRow, 'updated_at_ms' | 'state'>,
  state: RunState,
) {
  await insertRunRow(client, { ...row, state, updated_at_ms: nextUpdateMs() });
}

/** Claims the next free version for a run and returns it. */
export async function claimVersion(client: ClickHouseClient, claim: RunClaim): Promise<number> {
  for (let attempt = 1; attempt <= MAX_CLAIM_ATTEMPTS; attempt++) {
    const rows = await queryRows<{ version: string }>(
      client,
      sql`SELECT max(version) AS version FROM baseline_runs`,
      'baseline_runs',
    );
    const version = Number(rows[0]?.version ?? 0) + 1;
    await writeState(client, { ...claim, version }, 'claimed');

    const claimants = await queryRows<{ run_id: string }>(
      client,
      sql`SELECT DISTINCT run_id FROM baseline_runs WHERE version = ${version}`,
      'baseline_runs',
    );
    if (claimants.length === 1) return version;

    await writeState(client, { ...claim, version }, 'abandoned');
    await sleep(20 + Math.floor(Math.random() * 200));
  }
  throw new VersionClaimError(MAX_CLAIM_ATTEMPTS);
}

/** Makes a run's baselines visible to readers. */
export async function publishRun(
  client: ClickHouseClient,
  run: Omit<RunRow, 'updated_at_ms' | 'state'>,
) {
  await writeState(client, run, 'published');
}

/** Marks a run failed and drops whatever baselines it wrote. */
export async function failRun(
  client: ClickHouseClient,
  run: Omit<RunRow, 'updated_at_ms' | 'state'>,
) {
  await writeState(client, run, 'failed');
  await dropVersion(client, run.version);
}

async function dropVersion(client: ClickHouseClient, version: number): Promise<void> {
  await execute(client, sql`ALTER TABLE baselines DROP PARTITION ${version}`, 'baselines');
}

/**
 * Makes `version` the current one: every published version above it is marked rolled back, and
 * the version itself is published again if an earlier rollback had hidden it. Returns the
 * versions rolled back.
 */
export async function rollbackTo(client: ClickHouseClient, version: number): Promise<number[]> {
  const runs = await readRuns(client);
  const kept = runs.filter((r) => r.state === 'published' || r.state === 'rolled_back');
  const target = kept.find((r) => r.version === version);
  if (target === undefined)
    throw new VersionNotFoundError(
      version,
      kept.map((r) => r.version),
    );

  const newer = kept.filter((r) => r.state === 'published' && r.version > version);
  for (const run of newer) await writeState(client, run, 'rolled_back');
  if (target.state === 'rolled_back') await writeState(client, target, 'published');
  return newer.map((r) => r.version);
}

/**
 * Keeps the newest `keep` published versions and the rolled-back versions newer than the oldest
 * of them, and drops the baselines of every other published, rolled-back or failed version. Runs
 * still in progress (state `claimed`) and abandoned claims are left alone. Returns the versions
 * dropped.
 */
export async function pruneVersions(client: ClickHouseClient, keep: number): Promise<number[]> {
  const runs = await readRuns(client);
  const published = runs.filter((r) => r.state === 'published').slice(0, keep);
  const oldestKept = published.at(-1)?.version ?? 0;

  const dropped: number[] = [];
  for (const run of runs) {
    if (!shouldDrop(run, published, oldestKept)) continue;
    await dropVersion(client, run.version);
    if (run.state !== 'failed' && run.state !== 'abandoned')
      await writeState(client, run, 'pruned');
    dropped.push(run.version);
  }
  return dropped;
}

function shouldDrop(run: RunRow, published: RunRow[], oldestKept: number): boolean {
  // An abandoned claim shares its number with the run that won it, so its partition is not its own.
  if (run.state === 'claimed' || run.state === 'pruned' || run.state === 'abandoned') return false;
  if (published.includes(run)) return false;
  if (run.state === 'rolled_back') return run.version < oldestKept;
  return true;
}
