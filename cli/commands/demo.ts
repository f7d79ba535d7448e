import type { Command } from 'commander';
import { ConfigError } from '../../core/errors.ts';
import { rootLogger } from '../../core/logger.ts';
import { runDemo } from '../../demo/run.ts';
import { configFor } from '../context.ts';

export function registerDemo(program: Command): void {
  program
    .command('demo')
    .description('run the whole pipeline on real logs and replay a stolen service token')
    .option(
      '--out <dir>',
      'folder for the report, the logs and the generated configuration',
      'out/demo',
    )
    .option('--keep-stack', 'leave Kafka and ClickHouse running afterwards')
    .option('--history-days <days>', 'days of gateway history before the incident', '14')
    .action(
      async (
        options: { out: string; keepStack?: boolean; historyDays: string },
        command: Command,
      ) => {
        const historyDays = Number(options.historyDays);
        if (!Number.isInteger(historyDays) || historyDays < 8 || historyDays > 30) {
          throw new ConfigError(
            `--history-days ${options.historyDays} is invalid; give a whole number of days from 8 to 30 (the baseline needs a week to mature)`,
          );
        }
        // The demo prints its own progress; the library's logs go to files unless asked for.
        if (process.env['EASTWATCH_LOG_LEVEL'] === undefined) rootLogger.level = 'warn';
        await runDemo({
          config: configFor(command),
          outDir: options.out,
          keepStack: options.keepStack ?? false,
          historyDays,
          alertTimeoutMs: 120_000,
        });
      },
    );
}
