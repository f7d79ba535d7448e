import { InvalidArgumentError, type Command } from 'commander';
import { createClickHouse, type ClickHouseClient } from '../../clickhouse/client.ts';
import type { Config } from '../../core/config.ts';
import { EastwatchError } from '../../core/errors.ts';
import { formatProfile } from '../../models/render.ts';
import { rollbackTo } from '../../models/runs.ts';
import { readRuns } from '../../models/runs-table.ts';
import { currentVersion, readBaselineVersion, readCurrentBaselines } from '../../models/store.ts';
import { configFor, print } from '../context.ts';

/** Raised when `baseline show` finds no baseline for the principal. */
class BaselineNotFoundError extends EastwatchError {
  constructor(principal: string, version?: number) {
    super(
      'BASELINE_NOT_FOUND',
      version === undefined
        ? `no published baseline for principal ${JSON.stringify(principal)}; run \`eastwatch train\` or check the name`
        : `version ${version} has no baseline for principal ${JSON.stringify(principal)}; run \`eastwatch baseline list\``,
      { context: { principal } },
    );
  }
}

function parseVersion(text: string): number {
  const value = Number(text);
  if (!Number.isSafeInteger(value) || value <= 0) {
    throw new InvalidArgumentError(`expected a positive whole version number, got ${text}`);
  }
  return value;
}

async function withClient<T>(config: Config, run: (client: ClickHouseClient) => Promise<T>) {
  const client = createClickHouse(config.clickhouse);
  try {
    return await run(client);
  } finally {
    await client.close();
  }
}

async function showAction(
  principal: string,
  options: { version?: number; json?: boolean },
  command: Command,
): Promise<void> {
  await withClient(configFor(command), async (client) => {
    const baseline =
      options.version === undefined
        ? (await readCurrentBaselines(client, { principals: [principal] })).get(principal)
        : await readBaselineVersion(client, principal, options.version);
    if (baseline === undefined) throw new BaselineNotFoundError(principal, options.version);

    if (options.json) print(JSON.stringify(baseline, null, 2));
    else for (const line of formatProfile(baseline)) print(line);
  });
}

async function listAction(_options: unknown, command: Command): Promise<void> {
  await withClient(configFor(command), async (client) => {
    const current = await currentVersion(client);
    const runs = (await readRuns(client)).filter((r) => r.state !== 'abandoned');
    if (runs.length === 0) {
      print('no training runs yet; run `eastwatch train`');
      return;
    }
    print('version  state        started               principals      events  window days');
    for (const run of runs) {
      const marker = run.version === current ? '*' : ' ';
      const days = ((run.window_end_ms - run.window_start_ms) / 86_400_000).toFixed(1);
      print(
        `${marker}${String(run.version).padEnd(8)}${run.state.padEnd(13)}` +
          `${new Date(run.started_at_ms).toISOString().slice(0, 19)}Z  ` +
          `${String(run.principals).padStart(10)}  ${String(run.events).padStart(10)}  ${days.padStart(11)}`,
      );
    }
  });
}

async function rollbackAction(options: { to: number }, command: Command): Promise<void> {
  await withClient(configFor(command), async (client) => {
    const rolledBack = await rollbackTo(client, options.to);
    print(
      `version ${options.to} is current` +
        (rolledBack.length
          ? `; rolled back ${rolledBack.join(', ')}`
          : '; nothing newer was published'),
    );
  });
}

export function registerBaseline(program: Command): void {
  const baseline = program
    .command('baseline')
    .description('inspect and roll back trained baselines');

  baseline
    .command('show')
    .description(
      'print the profile of one principal: routes, hour-of-week heat map, rates, networks, peer group',
    )
    .argument('<principal>', 'principal name')
    .option('--version <number>', 'show this version instead of the current one', parseVersion)
    .option('--json', 'print the stored baseline document')
    .action(showAction);

  baseline
    .command('list')
    .description('list training runs, newest first; * marks the current version')
    .action(listAction);

  baseline
    .command('rollback')
    .description('make an older version current; newer published versions are marked rolled back')
    .requiredOption('--to <version>', 'version to make current', parseVersion)
    .action(rollbackAction);
}
