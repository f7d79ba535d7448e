import { queryRows, type ClickHouseClient } from '../clickhouse/client.ts';
import { joinSql, raw, sql, type SqlFragment } from '../clickhouse/sql.ts';
import type { ExcludedRange } from './accumulate.ts';
import { emptyRollup } from './accumulate.ts';
import type { PrincipalRollup, RouteAggregate, SeenAggregate } from './rollup.ts';

/**
 * Aggregate queries over `access_events` that produce the same rollups as the in-memory
 * accumulator. Every query reads the table with FINAL, so an event stored twice with the same
 * (principal, timestamp, id) counts once, and filters only on the sorting-key columns principal
 * and timestamp, which FINAL's collapsing never changes. ClickHouse sends 64-bit integers as
 * strings in JSON, so every number is read through Number().
 */
export interface RollupSource {
  windowStartMs: number;
  windowEndMs: number;
  excluded: ReadonlyMap<string, readonly ExcludedRange[]>;
}

type Num = number | string;

/** The WHERE clause shared by every query: the window, no empty principal, no alerted range. */
export function eventFilter(source: RollupSource, lo?: string, hi?: string): SqlFragment {
  const parts = [
    sql`principal != ''`,
    sql`\`timestamp\` >= ${source.windowStartMs}`,
    sql`\`timestamp\` < ${source.windowEndMs}`,
  ];
  if (lo !== undefined) parts.push(sql`principal >= ${lo}`);
  if (hi !== undefined) parts.push(sql`principal <= ${hi}`);

  const ranges: SqlFragment[] = [];
  for (const [principal, list] of source.excluded) {
    for (const range of list) {
      ranges.push(
        sql`(principal = ${principal} AND \`timestamp\` >= ${range.startMs} AND \`timestamp\` <= ${range.endMs})`,
      );
    }
  }
  // NOTE: every alerted range becomes one OR term, which is fine for hundreds of open alerts in
  // a window but makes the statement long for many thousands.
  if (ranges.length > 0) parts.push(sql`NOT (${joinSql(ranges, ' OR ')})`);
  return joinSql(parts, ' AND ');
}

function from(filter: SqlFragment): SqlFragment {
  return sql`FROM access_events FINAL WHERE ${filter}`;
}

/** Returns every principal in the window with its event count, ordered by name. */
export async function readPrincipalCounts(
  client: ClickHouseClient,
  source: RollupSource,
): Promise<{ principal: string; events: number }[]> {
  const rows = await queryRows<{ principal: string; events: Num }>(
    client,
    sql`SELECT principal, count() AS events ${from(eventFilter(source))} GROUP BY principal ORDER BY principal`,
    'access_events',
  );
  return rows.map((r) => ({ principal: r.principal, events: Number(r.events) }));
}

/** Reads the rollups of the principals from `lo` to `hi`, both inclusive, ordered by name. */
export async function readRollups(
  client: ClickHouseClient,
  source: RollupSource,
  lo: string,
  hi: string,
): Promise<PrincipalRollup[]> {
  const filter = eventFilter(source, lo, hi);
  const rollups = new Map<string, PrincipalRollup>();
  const rollupOf = (principal: string): PrincipalRollup => {
    let rollup = rollups.get(principal);
    if (rollup === undefined) {
      rollup = emptyRollup(principal);
      rollups.set(principal, rollup);
    }
    return rollup;
  };

  await readHours(client, filter, rollupOf);
  await readMinutes(client, filter, rollupOf);
  await readWindows(client, filter, rollupOf);
  await readRoutes(client, filter, rollupOf);
  for (const [field, column] of SEEN_COLUMNS) {
    await readSeen(client, filter, column, (principal, seen) => {
      rollupOf(principal)[field].push(...seen);
    });
  }
  return [...rollups.keys()].sort().map((principal) => rollups.get(principal)!);
}

type RollupOf = (principal: string) => PrincipalRollup;

async function readHours(client: ClickHouseClient, filter: SqlFragment, rollupOf: RollupOf) {
  const rows = await queryRows<{
    principal: string;
    hours: Num[];
    counts: Num[];
    unauthorized: Num;
    forbidden: Num;
    not_found: Num;
    server_error: Num;
  }>(
    client,
    sql`SELECT principal, groupArray(hour) AS hours, groupArray(c) AS counts,
        sum(e401) AS unauthorized, sum(e403) AS forbidden, sum(e404) AS not_found,
        sum(e5xx) AS server_error
      FROM (SELECT principal, intDiv(\`timestamp\`, 3600000) * 3600000 AS hour, count() AS c,
          countIf(status = 401) AS e401, countIf(status = 403) AS e403,
          countIf(status = 404) AS e404, countIf(status >= 500 AND status <= 599) AS e5xx
        ${from(filter)} GROUP BY principal, hour)
      GROUP BY principal`,
    'access_events',
  );
  for (const row of rows) {
    const rollup = rollupOf(row.principal);
    row.hours.forEach((hour, i) => rollup.hourCounts.set(Number(hour), Number(row.counts[i])));
    rollup.eventCount = row.counts.reduce<number>((sum, c) => sum + Number(c), 0);
    rollup.errors = {
      unauthorized: Number(row.unauthorized),
      forbidden: Number(row.forbidden),
      notFound: Number(row.not_found),
      serverError: Number(row.server_error),
    };
  }
}

async function readMinutes(client: ClickHouseClient, filter: SqlFragment, rollupOf: RollupOf) {
  const rows = await queryRows<{ principal: string; per_minute: Num[]; minutes: Num[] }>(
    client,
    sql`SELECT principal, groupArray(c) AS per_minute, groupArray(n) AS minutes
      FROM (SELECT principal, c, count() AS n
        FROM (SELECT principal, intDiv(\`timestamp\`, 60000) AS minute, count() AS c
          ${from(filter)} GROUP BY principal, minute)
        GROUP BY principal, c)
      GROUP BY principal`,
    'access_events',
  );
  for (const row of rows) {
    const histogram = rollupOf(row.principal).minuteHistogram;
    row.per_minute.forEach((c, i) => histogram.set(Number(c), Number(row.minutes[i])));
  }
}

async function readWindows(client: ClickHouseClient, filter: SqlFragment, rollupOf: RollupOf) {
  const rows = await queryRows<{ principal: string; paths: Num[]; routes: Num[]; bytes: Num[] }>(
    client,
    sql`SELECT principal, groupArray(p) AS paths, groupArray(r) AS routes, groupArray(b) AS bytes
      FROM (SELECT principal, intDiv(\`timestamp\`, 300000) AS w, uniqExact(path) AS p,
          uniqExact(route) AS r, sum(bytes_out) AS b
        ${from(filter)} GROUP BY principal, w)
      GROUP BY principal`,
    'access_events',
  );
  for (const row of rows) {
    rollupOf(row.principal).windows = row.paths.map((p, i) => ({
      distinctPaths: Number(p),
      distinctRoutes: Number(row.routes[i]),
      bytesOut: Number(row.bytes[i]),
    }));
  }
}

interface SeenRow {
  principal: string;
  key: string;
  c: Num;
  first_ms: Num;
  last_ms: Num;
}

function seenOf(row: SeenRow): SeenAggregate {
  return {
    key: row.key,
    count: Number(row.c),
    firstSeenMs: Number(row.first_ms),
    lastSeenMs: Number(row.last_ms),
  };
}

async function readRoutes(client: ClickHouseClient, filter: SqlFragment, rollupOf: RollupOf) {
  const rows = await queryRows<SeenRow & { method: string; host: string; route: string }>(
    client,
    sql`SELECT principal, method, host, route, concat(method, ' ', host, ' ', route) AS key,
        count() AS c, min(\`timestamp\`) AS first_ms, max(\`timestamp\`) AS last_ms
      ${from(filter)} GROUP BY principal, method, host, route`,
    'access_events',
  );
  for (const row of rows) {
    const route: RouteAggregate = {
      ...seenOf(row),
      method: row.method,
      host: row.host,
      route: row.route,
    };
    rollupOf(row.principal).routes.push(route);
  }
}

type SeenField = 'hosts' | 'methods' | 'sourceIps' | 'userAgents' | 'credentials';

const SEEN_COLUMNS: [SeenField, string][] = [
  ['hosts', 'host'],
  ['methods', 'method'],
  ['sourceIps', 'source_ip'],
  ['userAgents', 'user_agent'],
  ['credentials', 'credential'],
];

async function readSeen(
  client: ClickHouseClient,
  filter: SqlFragment,
  column: string,
  add: (principal: string, seen: SeenAggregate[]) => void,
) {
  // The column name is one of the constants above, so raw() is safe for it.
  const rows = await queryRows<SeenRow>(
    client,
    sql`SELECT principal, ${raw(column)} AS key, count() AS c, min(\`timestamp\`) AS first_ms,
        max(\`timestamp\`) AS last_ms
      ${from(filter)} GROUP BY principal, key`,
    'access_events',
  );
  const byPrincipal = new Map<string, SeenAggregate[]>();
  for (const row of rows) {
    const list = byPrincipal.get(row.principal);
    if (list === undefined) byPrincipal.set(row.principal, [seenOf(row)]);
    else list.push(seenOf(row));
  }
  for (const [principal, list] of byPrincipal) add(principal, list);
}
