import { afterAll, describe, expect, it } from 'vitest';
import { createClickHouse, queryRows } from '../../clickhouse/client.ts';
import { migrate, readMigrations } from '../../clickhouse/migrate.ts';
import { ident, raw, sql } from '../../clickhouse/sql.ts';
import { testConfig, uniqueName } from '../helpers/stack.ts';

describe('migrate', () => {
  const databases: string[] = [];

  afterAll(async () => {
    const client = createClickHouse(testConfig().clickhouse, { withoutDatabase: true });
    for (const db of databases) {
      await client.command({ query: sql`DROP DATABASE IF EXISTS ${ident(db)}`.text });
    }
    await client.close();
  });

  function freshConfig() {
    const database = uniqueName('ew_migrate');
    databases.push(database);
    return testConfig({ clickhouse: { database } }).clickhouse;
  }

  it('applies every migration once', async () => {
    const config = freshConfig();
    const versions = readMigrations().map((m) => m.version);

    const first = await migrate(config);
    const second = await migrate(config);

    expect(first).toEqual({ applied: versions, alreadyApplied: [] });
    expect(second).toEqual({ applied: [], alreadyApplied: versions });
  });

  it('is safe from two processes at once', async () => {
    const config = freshConfig();
    const results = await Promise.all([migrate(config), migrate(config)]);
    expect(results).toHaveLength(2);

    const client = createClickHouse(config);
    const recorded = await queryRows<{ version: number }>(
      client,
      raw('SELECT version FROM schema_migrations FINAL ORDER BY version'),
    );
    await client.close();
    expect(recorded.map((r) => Number(r.version))).toEqual(readMigrations().map((m) => m.version));
  });

  it('creates access_events with the canonical columns', async () => {
    const config = freshConfig();
    await migrate(config);
    const client = createClickHouse(config);
    const columns = await queryRows<{ name: string; type: string }>(
      client,
      sql`DESCRIBE TABLE ${ident(config.database)}.${ident('access_events')}`,
    );
    const engine = await queryRows<{ engine: string; partition_key: string }>(
      client,
      sql`SELECT engine, partition_key FROM system.tables WHERE database = ${config.database} AND name = 'access_events'`,
    );
    await client.close();

    expect(columns.map((c) => c.name).slice(0, 18)).toEqual([
      'id',
      'timestamp',
      'principal',
      'credential',
      'source_ip',
      'user_agent',
      'method',
      'host',
      'path',
      'route',
      'status',
      'bytes_in',
      'bytes_out',
      'duration_ms',
      'proxy',
      'topic',
      'partition',
      'offset',
    ]);
    expect(engine[0]!.engine).toBe('ReplacingMergeTree');
    expect(engine[0]!.partition_key).toContain('toYYYYMMDD');
  });

  it('rejects an edited migration', async () => {
    const config = freshConfig();
    const migrations = readMigrations();
    await migrate(config, migrations);
    const edited = migrations.map((m, i) => (i === 0 ? { ...m, checksum: 'f'.repeat(64) } : m));
    await expect(migrate(config, edited)).rejects.toThrow(/add a new migration instead of editing/);
  });
});
