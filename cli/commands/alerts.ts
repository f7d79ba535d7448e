import { InvalidArgumentError, type Command } from 'commander';
import { ALERT_STATUSES, detectorSet, type AlertStatus } from '../../alerts/alert.ts';
import { createAlertPipeline } from '../../alerts/pipeline.ts';
import { setAlertStatus } from '../../alerts/status.ts';
import { listAlerts, type StoredAlert } from '../../alerts/store.ts';
import { createClickHouse, type ClickHouseClient } from '../../clickhouse/client.ts';
import { configFor, print } from '../context.ts';

function parseStatus(value: string): AlertStatus {
  if ((ALERT_STATUSES as readonly string[]).includes(value)) return value as AlertStatus;
  throw new InvalidArgumentError(`expected one of ${ALERT_STATUSES.join(', ')}`);
}

function parseLimit(value: string): number {
  const limit = Number(value);
  if (!Number.isInteger(limit) || limit < 1)
    throw new InvalidArgumentError('expected a positive integer');
  return limit;
}

function formatAlert(stored: StoredAlert): string {
  const { alert } = stored;
  const time = new Date(alert.timestamp).toISOString();
  const reason = stored.statusReason === '' ? '' : `  (${stored.statusReason})`;
  return (
    `${alert.id}  ${time}  ${alert.severity.padEnd(8)} ${stored.status.padEnd(9)} ` +
    `${alert.principal}  ${detectorSet(alert).join(',')}${reason}`
  );
}

async function withClickHouse<T>(
  command: Command,
  work: (client: ClickHouseClient) => Promise<T>,
): Promise<T> {
  const client = createClickHouse(configFor(command).clickhouse);
  try {
    return await work(client);
  } finally {
    await client.close();
  }
}

export function registerAlerts(program: Command): void {
  const alerts = program.command('alerts').description('list, acknowledge and dismiss alerts');

  alerts
    .command('list')
    .description('list the newest alerts, one per line')
    .option(
      '--status <status>',
      `only alerts with this status (${ALERT_STATUSES.join(', ')})`,
      parseStatus,
    )
    .option('--limit <count>', 'maximum number of alerts listed', parseLimit, 50)
    .option('--json', 'print each alert as one JSON line')
    .action(
      async (
        options: { status?: AlertStatus; limit: number; json?: boolean },
        command: Command,
      ) => {
        const rows = await withClickHouse(command, (client) =>
          listAlerts(client, {
            limit: options.limit,
            ...(options.status ? { status: options.status } : {}),
          }),
        );
        for (const row of rows) print(options.json ? JSON.stringify(row) : formatAlert(row));
        // JSON output stays empty for scripts, and a person reads that nothing matched.
        if (rows.length === 0 && !options.json) {
          print(options.status ? `no ${options.status} alerts` : 'no alerts');
        }
      },
    );

  alerts
    .command('ack <id>')
    .description('mark an alert as acknowledged')
    .action(async (id: string, _options: unknown, command: Command) => {
      const stored = await withClickHouse(command, (client) =>
        setAlertStatus(client, id, 'acked', ''),
      );
      print(formatAlert(stored));
    });

  alerts
    .command('dismiss <id>')
    .description('dismiss an alert as a false positive; its window becomes trainable again')
    .requiredOption('--reason <text>', 'why the alert is dismissed, stored with it')
    .action(async (id: string, options: { reason: string }, command: Command) => {
      const stored = await withClickHouse(command, (client) =>
        setAlertStatus(client, id, 'dismissed', options.reason),
      );
      print(formatAlert(stored));
    });

  alerts
    .command('deliver')
    .description('deliver the alerts left pending in the outbox, then exit')
    .action(async (_options: unknown, command: Command) => {
      const pipeline = createAlertPipeline(configFor(command));
      await pipeline.start();
      await pipeline.idle();
      await pipeline.stop();
      print('outbox delivered');
    });
}
