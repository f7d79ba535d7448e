import type { Command } from 'commander';
import { migrate } from '../../clickhouse/migrate.ts';
import { configFor, print } from '../context.ts';

export function registerMigrate(program: Command): void {
  program
    .command('migrate')
    .description('create the ClickHouse database and apply pending schema migrations')
    .action(async (_options: unknown, command: Command) => {
      const config = configFor(command).clickhouse;
      const result = await migrate(config);
      print(
        `database ${config.database}: applied ${result.applied.length} migration(s)` +
          (result.applied.length ? ` (${result.applied.join(', ')})` : '') +
          `, ${result.alreadyApplied.length} already applied`,
      );
    });
}
