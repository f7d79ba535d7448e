import {
  ClickHouseError,
  isTransientClickHouseFailure,
  queryRows,
  type ClickHouseClient,
} from '../clickhouse/client.ts';
import { raw, sql } from '../clickhouse/sql.ts';
import { EastwatchError } from '../core/errors.ts';
import type { PolicyStatus, PolicyVersion, PrincipalPolicy } from './types.ts';

/**
 * Policy versions in the `policy_versions` table. A status change writes the whole version again
 * with a larger `updated_at_ms`, and reads use FINAL, so each version reads as its newest row.
 * The approved version is the one with status `approved` and the latest approval time, so a
 * failed write of `superseded` for the previous approval never leaves two versions in force.
 */

const TABLE = 'policy_versions';
const COLUMNS = raw(
  'version, status, created_at_ms, approved_at_ms, approved_by, note, min_route_count, document',
);

interface PolicyRow {
  version: string | number;
  status: string;
  created_at_ms: string | number;
  approved_at_ms: string | number;
  approved_by: string;
  note: string;
  min_route_count: number;
  document: string;
}

/** Raised when a command names a policy version that does not exist or cannot be approved. */
export class PolicyVersionError extends EastwatchError {
  constructor(code: string, message: string, version: number) {
    super(code, message, { retriable: false, context: { table: TABLE, version } });
  }
}

function toRow(policy: PolicyVersion, updatedAtMs: number): Record<string, unknown> {
  return {
    version: policy.version,
    status: policy.status,
    created_at_ms: policy.createdAtMs,
    approved_at_ms: policy.approvedAtMs,
    approved_by: policy.approvedBy,
    note: policy.note,
    min_route_count: policy.minRouteCount,
    principal_count: policy.principals.length,
    document: JSON.stringify(policy.principals),
    updated_at_ms: updatedAtMs,
  };
}

function fromRow(row: PolicyRow): PolicyVersion {
  return {
    version: Number(row.version),
    status: row.status as PolicyStatus,
    createdAtMs: Number(row.created_at_ms),
    approvedAtMs: Number(row.approved_at_ms),
    approvedBy: row.approved_by,
    note: row.note,
    minRouteCount: Number(row.min_route_count),
    principals: JSON.parse(row.document) as PrincipalPolicy[],
  };
}

async function writeVersion(
  client: ClickHouseClient,
  policy: PolicyVersion,
  updatedAtMs: number,
): Promise<void> {
  try {
    await client.insert({
      table: TABLE,
      values: [toRow(policy, updatedAtMs)],
      format: 'JSONEachRow',
    });
  } catch (cause) {
    throw new ClickHouseError('ClickHouse insert failed', {
      cause,
      retriable: isTransientClickHouseFailure(cause),
      table: TABLE,
    });
  }
}

export interface DraftOptions {
  minRouteCount: number;
  note?: string;
  nowMs?: number;
}

/**
 * Stores learned principal policies as a new draft version, one more than the largest stored.
 * NOTE: two `policy learn` runs at the same moment can pick the same number, and then the later
 * write replaces the earlier draft. Run learning from one place (the CLI or one scheduler).
 */
export async function saveDraft(
  client: ClickHouseClient,
  principals: PrincipalPolicy[],
  options: DraftOptions,
): Promise<PolicyVersion> {
  const nowMs = options.nowMs ?? Date.now();
  const rows = await queryRows<{ latest: string | number }>(
    client,
    sql`SELECT max(version) AS latest FROM ${raw(TABLE)}`,
    TABLE,
  );
  const policy: PolicyVersion = {
    version: Number(rows[0]?.latest ?? 0) + 1,
    status: 'draft',
    createdAtMs: nowMs,
    approvedAtMs: 0,
    approvedBy: '',
    note: options.note ?? '',
    minRouteCount: options.minRouteCount,
    principals,
  };
  await writeVersion(client, policy, nowMs);
  return policy;
}

/** Reads one version, or undefined when it does not exist. */
export async function readPolicyVersion(
  client: ClickHouseClient,
  version: number,
): Promise<PolicyVersion | undefined> {
  const rows = await queryRows<PolicyRow>(
    client,
    sql`SELECT ${COLUMNS} FROM ${raw(TABLE)} FINAL WHERE version = ${version} LIMIT 1`,
    TABLE,
  );
  return rows[0] ? fromRow(rows[0]) : undefined;
}

/** Reads the approved version in force, or undefined when none was ever approved. */
export async function readApprovedPolicy(
  client: ClickHouseClient,
): Promise<PolicyVersion | undefined> {
  const rows = await queryRows<PolicyRow>(
    client,
    sql`SELECT ${COLUMNS} FROM ${raw(TABLE)} FINAL WHERE status = 'approved'
        ORDER BY approved_at_ms DESC, version DESC LIMIT 1`,
    TABLE,
  );
  return rows[0] ? fromRow(rows[0]) : undefined;
}

/** A version without its principal policies, for listings. */
export type PolicyVersionSummary = Omit<PolicyVersion, 'principals'> & { principalCount: number };

/** Lists every version, newest first. */
export async function listPolicyVersions(
  client: ClickHouseClient,
): Promise<PolicyVersionSummary[]> {
  const rows = await queryRows<Omit<PolicyRow, 'document'> & { principal_count: number }>(
    client,
    sql`SELECT version, status, created_at_ms, approved_at_ms, approved_by, note,
          min_route_count, principal_count
        FROM ${raw(TABLE)} FINAL ORDER BY version DESC`,
    TABLE,
  );
  return rows.map((row) => {
    const { principals, ...summary } = fromRow({ ...row, document: '[]' });
    void principals;
    return { ...summary, principalCount: Number(row.principal_count) };
  });
}

export interface ApproveOptions {
  approvedBy: string;
  nowMs?: number;
}

/**
 * Approves a version: it becomes the one the detector and the exports use, and the version
 * approved before it is marked superseded. Approving the version already in force changes nothing.
 */
export async function approvePolicyVersion(
  client: ClickHouseClient,
  version: number,
  options: ApproveOptions,
): Promise<PolicyVersion> {
  const target = await readPolicyVersion(client, version);
  if (!target) {
    throw new PolicyVersionError(
      'POLICY_VERSION_NOT_FOUND',
      `policy version ${version} does not exist; run \`eastwatch policy list\` for the stored versions`,
      version,
    );
  }

  const current = await readApprovedPolicy(client);
  if (current?.version === version) return current;

  const nowMs = options.nowMs ?? Date.now();
  const approved: PolicyVersion = {
    ...target,
    status: 'approved',
    approvedAtMs: nowMs,
    approvedBy: options.approvedBy,
  };
  await writeVersion(client, approved, nowMs);
  if (current) await writeVersion(client, { ...current, status: 'superseded' }, nowMs);
  return approved;
}
