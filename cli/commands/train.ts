import { InvalidArgumentError, type Command } from 'commander';
import { createClickHouse } from '../../clickhouse/client.ts';
import { ConfigError } from '../../core/errors.ts';
import { runOnSchedule, validateCron, type Schedule } from '../../models/schedule.ts';
import { runTraining, type TrainRunResult } from '../../models/trainer.ts';
import { parseDurationMs } from '../../policy/duration.ts';
import { configFor, print } from '../context.ts';

const DAY_MS = 86_400_000;

interface TrainOptions {
  window?: number;
  every?: number | true;
  cron?: string;
}

function parseWindowDays(text: string): number {
  try {
    return parseDurationMs(text) / DAY_MS;
  } catch {
    throw new InvalidArgumentError(`expected a duration such as 30d or 72h, got ${text}`);
  }
}

function parseInterval(text: string): number {
  try {
    return parseDurationMs(text);
  } catch {
    throw new InvalidArgumentError(`expected a duration such as 1h or 15m, got ${text}`);
  }
}

function describeRun(run: TrainRunResult): string {
  const window = `${new Date(run.windowStartMs).toISOString()} .. ${new Date(run.windowEndMs).toISOString()}`;
  const pruned = run.prunedVersions.length ? `, pruned ${run.prunedVersions.join(', ')}` : '';
  return (
    `version ${run.version}: ${run.principals} principals, ${run.events} events, window ${window}, ` +
    `${(run.durationMs / 1000).toFixed(1)} s${pruned}`
  );
}

function scheduleOf(options: TrainOptions, defaultIntervalMs: number): Schedule | undefined {
  if (options.every !== undefined && options.cron !== undefined) {
    throw new ConfigError('--every and --cron both set a schedule; pass only one of them');
  }
  if (options.cron !== undefined) {
    validateCron(options.cron);
    return { cron: options.cron };
  }
  if (options.every === undefined) return undefined;
  return { intervalMs: options.every === true ? defaultIntervalMs : options.every };
}

async function trainAction(options: TrainOptions, command: Command): Promise<void> {
  const config = configFor(command);
  const schedule = scheduleOf(options, config.train.defaultIntervalMs);
  const client = createClickHouse(config.clickhouse);
  const runOnce = async () => {
    const run = await runTraining(client, config.train, {
      ...(options.window === undefined ? {} : { windowDays: options.window }),
    });
    print(describeRun(run));
  };

  try {
    if (schedule === undefined) {
      await runOnce();
      return;
    }
    const controller = new AbortController();
    const stop = () => controller.abort();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
    await runOnSchedule(schedule, runOnce, controller.signal);
  } finally {
    await client.close();
  }
}

export function registerTrain(program: Command): void {
  program
    .command('train')
    .description('train a new baseline version for every principal from ClickHouse')
    .option(
      '--window <duration>',
      'training window ending now, for example 30d (default: train.windowDays)',
      parseWindowDays,
    )
    .option(
      '--every [interval]',
      'keep running and train at this interval, for example 1h (default: train.defaultIntervalMs)',
      parseInterval,
    )
    .option(
      '--cron <expression>',
      'keep running and train at the times of a five-field cron expression, in UTC',
    )
    .action(trainAction);
}
