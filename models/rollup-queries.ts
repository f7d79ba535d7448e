import { queryRows, type ClickHouseClient } from '../clickhouse/client.ts';
import { joinSql, sql, type SqlFragment } from '../clickhouse/sql.ts';
import type { ExcludedRange } from './accumulate.ts';
import { emptyRollup } from './accumulate.ts';
import {
  HOUR_MS,
  type PrincipalRollup,
  type RouteAggregate,
  type SeenAggregate,
} from './rollup.ts';

/**
 * Aggregate queries over `access_events` that produce the same rollups as the in-memory
 * accumulator. Every query reads the table with FINAL, so an event stored twice with the same
 * (principal, timestamp, id) counts once, and filters only on the sorting-key columns principal
 * and timestamp, which FINAL's collapsing never changes. ClickHouse sends 64-bit integers as
 * strings in JSON, so the queries cast counts to narrower types where JSON must carry numbers.
 */
export interface RollupSource {
  windowStartMs: number;
  windowEndMs: number;
  excluded: ReadonlyMap<string, readonly ExcludedRange[]>;
}

type Num = number | string;

/** Builds the WHERE clause of every query: the window, no empty principal, no alerted range. */
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

/**
 * Reads the rollups of the principals from `lo` to `hi`, both inclusive, ordered by name, with
 * three scans of the range: hours and minutes with error counts, five-minute windows, and every
 * kind of seen value at once. Counts are cast to 32-bit or floating-point types so that JSON carries
 * them as numbers, and each query returns one row per principal (or per principal and kind) with
 * arrays, which parses far faster than one row per value.
 */
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

  // The three scans run at once: each fills its own fields of the rollups, and a FINAL read on
  // 18.16 leaves cores idle that the others can use.
  await Promise.all([
    readHoursAndMinutes(client, filter, rollupOf),
    readWindows(client, filter, rollupOf),
    readSeen(client, filter, rollupOf),
  ]);
  return [...rollups.keys()].sort().map((principal) => rollups.get(principal)!);
}

type RollupOf = (principal: string) => PrincipalRollup;

/**
 * Reads requests per hour, per minute and the error counts in one scan: minutes are grouped
 * first, then hours from minutes, and each hour carries the counts of its minutes along. Aliases
 * differ per level because an alias equal to a lower level's name would resolve to the aggregate.
 */
async function readHoursAndMinutes(
  client: ClickHouseClient,
  filter: SqlFragment,
  rollupOf: RollupOf,
) {
  const rows = await queryRows<{
    principal: string;
    hours: number[];
    counts: number[];
    per_minute: number[];
    errors: [number, number, number, number];
  }>(
    client,
    sql`SELECT principal, groupArray(hour) AS hours, groupArray(hour_count) AS counts,
        groupArrayArray(minute_counts) AS per_minute,
        [toUInt32(sum(h401)), toUInt32(sum(h403)), toUInt32(sum(h404)), toUInt32(sum(h5xx))] AS errors
      FROM (SELECT principal, toUInt32(intDiv(minute, 60)) AS hour, toUInt32(sum(c)) AS hour_count,
          groupArray(c) AS minute_counts, sum(m401) AS h401, sum(m403) AS h403,
          sum(m404) AS h404, sum(m5xx) AS h5xx
        FROM (SELECT principal, intDiv(\`timestamp\`, 60000) AS minute, toUInt32(count()) AS c,
            countIf(status = 401) AS m401, countIf(status = 403) AS m403,
            countIf(status = 404) AS m404, countIf(status >= 500 AND status <= 599) AS m5xx
          ${from(filter)} GROUP BY principal, minute)
        GROUP BY principal, hour)
      GROUP BY principal`,
    'access_events',
  );
  for (const row of rows) {
    const rollup = rollupOf(row.principal);
    let events = 0;
    row.hours.forEach((hour, i) => {
      const count = row.counts[i]!;
      rollup.hourCounts.set(hour * HOUR_MS, count);
      events += count;
    });
    for (const count of row.per_minute) {
      rollup.minuteHistogram.set(count, (rollup.minuteHistogram.get(count) ?? 0) + 1);
    }
    rollup.eventCount = events;
    const [unauthorized, forbidden, notFound, serverError] = row.errors;
    rollup.errors = { unauthorized, forbidden, notFound, serverError };
  }
}

async function readWindows(client: ClickHouseClient, filter: SqlFragment, rollupOf: RollupOf) {
  const rows = await queryRows<{
    principal: string;
    paths: number[];
    routes: number[];
    bytes: number[];
  }>(
    client,
    sql`SELECT principal, groupArray(p) AS paths, groupArray(r) AS routes, groupArray(b) AS bytes
      FROM (SELECT principal, intDiv(\`timestamp\`, 300000) AS w, toUInt32(uniqExact(path)) AS p,
          toUInt32(uniqExact(route)) AS r, toFloat64(sum(bytes_out)) AS b
        ${from(filter)} GROUP BY principal, w)
      GROUP BY principal`,
    'access_events',
  );
  for (const row of rows) {
    rollupOf(row.principal).windows = {
      distinctPaths: row.paths,
      distinctRoutes: row.routes,
      bytesOut: row.bytes,
    };
  }
}

/** Kinds of seen values, in the order of the tuples built by {@link readSeen}. */
const SEEN_KINDS = [
  'routes',
  'hosts',
  'methods',
  'sourceIps',
  'userAgents',
  'credentials',
] as const;

interface SeenRow {
  principal: string;
  kind: number;
  keys: string[];
  counts: number[];
  first_ms: number[];
  last_ms: number[];
  methods: string[];
  hosts: string[];
  routes: string[];
}

/**
 * Reads every kind of seen value in one scan: arrayJoin turns each event into one tuple per kind
 * (kind, key, method, host, route), where only route tuples fill the last three. Times are cast to
 * Float64, exact for epoch milliseconds, so JSON carries them as numbers.
 */
async function readSeen(client: ClickHouseClient, filter: SqlFragment, rollupOf: RollupOf) {
  const rows = await queryRows<SeenRow>(
    client,
    sql`SELECT principal, kind, groupArray(key) AS keys, groupArray(c) AS counts,
        groupArray(first_ms) AS first_ms, groupArray(last_ms) AS last_ms,
        groupArray(m) AS methods, groupArray(h) AS hosts, groupArray(r) AS routes
      FROM (SELECT principal, kind, key, m, h, r, toUInt32(count()) AS c,
          toFloat64(min(ts)) AS first_ms, toFloat64(max(ts)) AS last_ms
        FROM (SELECT principal, \`timestamp\` AS ts, arrayJoin([
              (0, concat(method, ' ', host, ' ', route), method, host, route),
              (1, host, '', '', ''), (2, method, '', '', ''), (3, source_ip, '', '', ''),
              (4, user_agent, '', '', ''), (5, credential, '', '', '')]) AS seen,
            tupleElement(seen, 1) AS kind, tupleElement(seen, 2) AS key,
            tupleElement(seen, 3) AS m, tupleElement(seen, 4) AS h, tupleElement(seen, 5) AS r
          ${from(filter)})
        GROUP BY principal, kind, key, m, h, r)
      GROUP BY principal, kind`,
    'access_events',
  );
  for (const row of rows) addSeenRow(rollupOf(row.principal), row);
}

function addSeenRow(rollup: PrincipalRollup, row: SeenRow): void {
  const kind = SEEN_KINDS[row.kind];
  if (kind === undefined) return;

  row.keys.forEach((key, i) => {
    const seen: SeenAggregate = {
      key,
      count: row.counts[i]!,
      firstSeenMs: row.first_ms[i]!,
      lastSeenMs: row.last_ms[i]!,
    };
    if (kind !== 'routes') {
      rollup[kind].push(seen);
      return;
    }
    const route: RouteAggregate = {
      ...seen,
      method: row.methods[i]!,
      host: row.hosts[i]!,
      route: row.routes[i]!,
    };
    rollup.routes.push(route);
  });
}
