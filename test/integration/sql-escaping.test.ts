import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queryRows } from '../../clickhouse/client.ts';
import { ident, joinSql, raw, sql, type SqlFragment } from '../../clickhouse/sql.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/stack.ts';

// Pieces that break naive quoting: quotes of every kind, escapes, comment markers, statement
// separators, control and ANSI sequences, line separators, and SQL that would do damage.
const HOSTILE_PIECES = [
  "'",
  "''",
  '\\',
  "\\'",
  '"',
  '`',
  '\0',
  '\n',
  '\r\n',
  '\t',
  '\x1b[31m',
  '\u2028',
  '\u2029',
  '\ufeff',
  '--',
  '/*',
  '*/',
  '#',
  ';',
  "'); DROP TABLE victim; --",
  "' OR 1=1 --",
  '\\x27',
  '\\0',
  '${x}',
  'FORMAT JSONEachRow',
  'UNION ALL SELECT',
  '🚀',
  'Ω',
  '東京',
];

const hostileString = fc.oneof(
  fc.array(fc.constantFrom(...HOSTILE_PIECES), { maxLength: 12 }).map((parts) => parts.join('')),
  fc.string({ unit: 'binary', maxLength: 64 }).filter((s) => s.isWellFormed()),
  fc
    .tuple(fc.string({ maxLength: 20 }), fc.constantFrom(...HOSTILE_PIECES))
    .map(([a, b]) => a + b + a),
);

function hexOf(value: string | Buffer): string {
  return Buffer.from(value as string)
    .toString('hex')
    .toUpperCase();
}

describe('SQL literals against the real server', () => {
  let db: TestDatabase;
  let tablesBefore: string[] = [];

  async function tableNames(): Promise<string[]> {
    const tables = await queryRows<{ name: string }>(
      db.client,
      sql`SELECT name FROM system.tables WHERE database = ${db.config.clickhouse.database} ORDER BY name`,
    );
    return tables.map((t) => t.name);
  }

  beforeAll(async () => {
    db = await createTestDatabase('ew_sql');
    await db.client.command({
      query: 'CREATE TABLE samples (n UInt32, s String) ENGINE = MergeTree ORDER BY n',
    });
    await db.client.command({ query: 'CREATE TABLE victim (x UInt8) ENGINE = Memory' });
    await db.client.command({ query: 'INSERT INTO victim VALUES (1)' });
    tablesBefore = await tableNames();
  });

  afterAll(async () => {
    await db?.drop();
  });

  async function roundTrip(values: (string | Buffer)[], first: number): Promise<void> {
    const tuples = values.map((v, i) => sql`(${first + i}, ${v})`);
    await db.client.command({
      query: sql`INSERT INTO samples (n, s) VALUES ${joinSql(tuples)}`.text,
    });
    const select: SqlFragment = sql`SELECT n, hex(s) AS h FROM samples WHERE n >= ${first} AND n < ${first + values.length} ORDER BY n`;
    const rows = await queryRows<{ n: number; h: string }>(db.client, select);

    expect(rows).toHaveLength(values.length);
    rows.forEach((row, i) => {
      expect(row.h).toBe(hexOf(values[i]!));
    });
  }

  it('stores 10,000 hostile strings unchanged', async () => {
    const strings = fc.sample(hostileString, { numRuns: 10_000, seed: 20261204 });
    for (let i = 0; i < strings.length; i += 500) {
      await roundTrip(strings.slice(i, i + 500), i);
    }
    const count = await queryRows<{ c: string }>(
      db.client,
      raw('SELECT count() AS c FROM samples'),
    );
    expect(Number(count[0]!.c)).toBe(10_000);
  });

  it('stores invalid UTF-8 bytes unchanged', async () => {
    const buffers = fc
      .sample(fc.uint8Array({ minLength: 1, maxLength: 48 }), { numRuns: 1000, seed: 7 })
      .map((bytes) => Buffer.from(bytes));
    buffers.push(
      Buffer.from([0xc3, 0x28]),
      Buffer.from([0xff, 0xfe, 0x27]),
      Buffer.from([0xed, 0xa0, 0x80]),
    );
    await roundTrip(buffers, 100_000);
  });

  it('stores a 1 MB string unchanged', async () => {
    const long = "'\\".repeat(262_144) + '\n'.repeat(524_288);
    await roundTrip([long], 200_000);
  });

  it('never runs more than the statement it builds', async () => {
    const victim = await queryRows<{ x: number }>(db.client, sql`SELECT x FROM ${ident('victim')}`);
    expect(victim).toEqual([{ x: 1 }]);
    expect(tablesBefore).toContain('victim');
    expect(await tableNames()).toEqual(tablesBefore);
  });

  it('filters exactly by a hostile value', async () => {
    const value = "x' OR '1'='1";
    await db.client.command({
      query: sql`INSERT INTO samples (n, s) VALUES (300000, ${value})`.text,
    });
    const rows = await queryRows<{ n: number }>(
      db.client,
      sql`SELECT n FROM samples WHERE s = ${value}`,
    );
    expect(rows).toEqual([{ n: 300000 }]);
  });
});
