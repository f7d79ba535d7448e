import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ClickHouseConfig } from '../core/config.ts';
import { EastwatchError } from '../core/errors.ts';
import { componentLogger } from '../core/logger.ts';
import { createClickHouse, execute, queryRows, type ClickHouseClient } from './client.ts';
import { ident, raw, sql } from './sql.ts';

/**
 * Versioned migrations, applied once each and recorded in `schema_migrations`.
 *
 * ClickHouse has no transactions or locks, so two `migrate` runs at once may both apply a pending
 * migration. That is safe because every statement in a migration must be idempotent
 * (`CREATE ... IF NOT EXISTS`), and the record table collapses duplicate rows by version.
 */
export const MIGRATIONS_DIR = join(dirname(fileURLToPath(import.meta.url)), 'migrations');

export interface Migration {
  version: number;
  name: string;
  checksum: string;
  statements: string[];
}

const FILE_NAME = /^(\d{4})_([a-z0-9_]+)\.sql$/;

/** Reads and orders the migration files of a folder. */
export function readMigrations(dir: string = MIGRATIONS_DIR): Migration[] {
  const migrations = readdirSync(dir)
    .filter((file) => file.endsWith('.sql'))
    .map((file) => {
      const match = FILE_NAME.exec(file);
      if (!match) {
        throw new EastwatchError(
          'MIGRATION_NAME_INVALID',
          `migration file ${file} must be named NNNN_name.sql`,
        );
      }
      const text = readFileSync(join(dir, file), 'utf8');
      return {
        version: Number(match[1]),
        name: match[2]!,
        checksum: createHash('sha256').update(text).digest('hex'),
        statements: splitStatements(text),
      };
    })
    .sort((a, b) => a.version - b.version);

  for (let i = 1; i < migrations.length; i++) {
    if (migrations[i]!.version === migrations[i - 1]!.version) {
      throw new EastwatchError(
        'MIGRATION_DUPLICATE',
        `two migrations share version ${migrations[i]!.version}; renumber one of them`,
      );
    }
  }
  return migrations;
}

/** Splits a migration into statements at semicolons that end a line; drops comment lines. */
export function splitStatements(text: string): string[] {
  const body = text
    .split('\n')
    .filter((line) => !line.trimStart().startsWith('--'))
    .join('\n');
  return body
    .split(/;\s*(?:\n|$)/)
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
}

export interface MigrateResult {
  applied: number[];
  alreadyApplied: number[];
}

/** Creates the database if needed and applies every pending migration in order. */
export async function migrate(
  config: ClickHouseConfig,
  migrations: Migration[] = readMigrations(),
): Promise<MigrateResult> {
  const log = componentLogger('migrate', { database: config.database });
  const admin = createClickHouse(config, { withoutDatabase: true });
  try {
    await execute(admin, sql`CREATE DATABASE IF NOT EXISTS ${ident(config.database)}`);
  } finally {
    await admin.close();
  }

  const client = createClickHouse(config);
  try {
    await ensureMigrationsTable(client);
    const applied = await appliedChecksums(client);
    const result: MigrateResult = { applied: [], alreadyApplied: [] };

    for (const migration of migrations) {
      const checksum = applied.get(migration.version);
      if (checksum !== undefined) {
        assertUnchanged(migration, checksum);
        result.alreadyApplied.push(migration.version);
        continue;
      }
      await applyMigration(client, migration);
      log.info({ version: migration.version, name: migration.name }, 'migration applied');
      result.applied.push(migration.version);
    }
    return result;
  } finally {
    await client.close();
  }
}

async function ensureMigrationsTable(client: ClickHouseClient): Promise<void> {
  await execute(
    client,
    raw(`CREATE TABLE IF NOT EXISTS schema_migrations (
      version UInt32,
      name String,
      checksum String,
      applied_at DateTime DEFAULT now()
    ) ENGINE = ReplacingMergeTree(applied_at) ORDER BY version`),
    'schema_migrations',
  );
}

async function appliedChecksums(client: ClickHouseClient): Promise<Map<number, string>> {
  const rows = await queryRows<{ version: number; checksum: string }>(
    client,
    raw('SELECT version, any(checksum) AS checksum FROM schema_migrations GROUP BY version'),
    'schema_migrations',
  );
  return new Map(rows.map((r) => [Number(r.version), r.checksum]));
}

function assertUnchanged(migration: Migration, checksum: string): void {
  if (checksum === migration.checksum) return;
  throw new EastwatchError(
    'MIGRATION_CHANGED',
    `migration ${migration.version}_${migration.name} was applied with checksum ${checksum.slice(0, 12)} ` +
      `but the file now has ${migration.checksum.slice(0, 12)}; add a new migration instead of editing an applied one`,
    { context: { version: migration.version } },
  );
}

async function applyMigration(client: ClickHouseClient, migration: Migration): Promise<void> {
  for (const statement of migration.statements) {
    // Migration files are part of this codebase, not input, so their text is trusted.
    await execute(client, raw(statement), `migration ${migration.version}`);
  }
  await execute(
    client,
    sql`INSERT INTO schema_migrations (version, name, checksum) VALUES (${migration.version}, ${migration.name}, ${migration.checksum})`,
    'schema_migrations',
  );
}
