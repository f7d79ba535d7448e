import { writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { InvalidArgumentError, Option, type Command } from 'commander';
import { createClickHouse, type ClickHouseClient } from '../../clickhouse/client.ts';
import type { Config } from '../../core/config.ts';
import { EastwatchError } from '../../core/errors.ts';
import { readCurrentBaselines } from '../../models/store.ts';
import { PolicyIndex } from '../../policy/check.ts';
import { diffPolicy } from '../../policy/diff.ts';
import { parseDurationMs } from '../../policy/duration.ts';
import { EXPORT_FORMATS, type ExportFormat, type ExportMode } from '../../policy/export/common.ts';
import { exportPolicy } from '../../policy/export/export.ts';
import { learnPolicies } from '../../policy/learn.ts';
import { readTraffic } from '../../policy/traffic.ts';
import { groupingOf } from '../../policy/openapi.ts';
import { formatDiff, formatVersion } from '../../policy/report.ts';
import {
  approvePolicyVersion,
  listPolicyVersions,
  readApprovedPolicy,
  readPolicyVersion,
  saveDraft,
} from '../../policy/store.ts';
import type { PolicyVersion } from '../../policy/types.ts';
import { configFor, print } from '../context.ts';

/** Raised when a command needs a policy version and none is approved or the named one is absent. */
class PolicyNotFoundError extends EastwatchError {
  constructor(message: string) {
    super('POLICY_NOT_FOUND', message, { retriable: false });
  }
}

function parsePositiveInteger(text: string): number {
  const value = Number(text);
  if (!Number.isSafeInteger(value) || value <= 0) {
    throw new InvalidArgumentError(`expected a positive whole number, got ${text}`);
  }
  return value;
}

function parseTime(text: string): number {
  const ms = /^\d+$/.test(text) ? Number(text) : Date.parse(text);
  if (!Number.isFinite(ms)) {
    throw new InvalidArgumentError(`expected an ISO 8601 time or epoch milliseconds, got ${text}`);
  }
  return ms;
}

async function withClient<T>(config: Config, run: (client: ClickHouseClient) => Promise<T>) {
  const client = createClickHouse(config.clickhouse);
  try {
    return await run(client);
  } finally {
    await client.close();
  }
}

/** Reads the named version, else the approved one; raises when there is none. */
async function chooseVersion(client: ClickHouseClient, version?: number): Promise<PolicyVersion> {
  const policy =
    version === undefined
      ? await readApprovedPolicy(client)
      : await readPolicyVersion(client, version);
  if (policy) return policy;
  throw new PolicyNotFoundError(
    version === undefined
      ? 'no policy version is approved; run `eastwatch policy learn`, then `eastwatch policy approve VERSION`'
      : `policy version ${version} does not exist; run \`eastwatch policy list\``,
  );
}

async function learnAction(options: { minCount?: number; note?: string }, command: Command) {
  const config = configFor(command);
  const minRouteCount = options.minCount ?? config.policy.minRouteCount;
  const grouping = groupingOf(config.policy);

  await withClient(config, async (client) => {
    const baselines = await readCurrentBaselines(client);
    const principals = learnPolicies(baselines.values(), { ...grouping, minRouteCount });
    const draft = await saveDraft(client, principals, {
      minRouteCount,
      ...(options.note === undefined ? {} : { note: options.note }),
    });
    const candidates = principals.reduce((n, p) => n + p.reviewCandidates.length, 0);
    print(
      `policy version ${draft.version} written as draft: ${principals.length} principal(s), ` +
        `${candidates} route(s) below ${minRouteCount} call(s) left for review`,
    );
    print(`review it with \`eastwatch policy show ${draft.version}\`, then approve it`);
  });
}

async function exportAction(
  options: {
    format: ExportFormat;
    mode: ExportMode;
    principal?: string;
    version?: number;
    out?: string;
  },
  command: Command,
) {
  const config = configFor(command);
  const policy = await withClient(config, (client) => chooseVersion(client, options.version));
  const output = exportPolicy(policy, config.policy, {
    format: options.format,
    mode: options.mode,
    ...(options.principal === undefined ? {} : { principal: options.principal }),
  });

  if (options.out === undefined) {
    process.stdout.write(output.text);
  } else if (output.rego === undefined) {
    writeFileSync(options.out, output.text);
  } else {
    mkdirSync(options.out, { recursive: true });
    writeFileSync(join(options.out, 'data.json'), output.text);
    writeFileSync(join(options.out, 'eastwatch.rego'), output.rego);
  }
}

async function diffAction(
  options: { window?: string; end?: number; version?: number; json?: boolean },
  command: Command,
) {
  const config = configFor(command);
  const windowMs =
    options.window === undefined ? config.policy.diffWindowMs : parseDurationMs(options.window);
  const endMs = options.end ?? Date.now();
  const window = { startMs: endMs - windowMs, endMs };

  const diff = await withClient(config, async (client) => {
    const policy = await chooseVersion(client, options.version);
    const traffic = await readTraffic(client, window.startMs, window.endMs);
    return diffPolicy(policy, new PolicyIndex(policy, groupingOf(config.policy)), traffic, window);
  });

  if (options.json) print(JSON.stringify(diff, null, 2));
  else for (const line of formatDiff(diff)) print(line);
}

export function registerPolicy(program: Command): void {
  const policy = program
    .command('policy')
    .description(
      'learn least-privilege API policies from baselines, export, review and approve them',
    );

  policy
    .command('learn')
    .description('learn a policy from the current baselines and store it as a new draft version')
    .option(
      '--min-count <calls>',
      'calls a route needs to enter the policy (default: policy.minRouteCount)',
      parsePositiveInteger,
    )
    .option('--note <text>', 'note stored with the version')
    .action(learnAction);

  policy
    .command('list')
    .description('list the stored policy versions, newest first')
    .action(async (_options: unknown, command: Command) => {
      const versions = await withClient(configFor(command), listPolicyVersions);
      for (const v of versions) {
        print(
          `${v.version}\t${v.status}\t${new Date(v.createdAtMs).toISOString()}\t${v.principalCount} principal(s)\t${v.note}`,
        );
      }
    });

  policy
    .command('show [version]')
    .description('print a policy version (default: the approved one), grants and review candidates')
    .action(async (version: string | undefined, _options: unknown, command: Command) => {
      const number = version === undefined ? undefined : parsePositiveInteger(version);
      const found = await withClient(configFor(command), (c) => chooseVersion(c, number));
      for (const line of formatVersion(found)) print(line);
    });

  policy
    .command('approve <version>')
    .description('approve a version: the detector and the exports use it from now on')
    .option(
      '--by <name>',
      'who approves, stored with the version',
      process.env['USER'] ?? 'unknown',
    )
    .action(async (version: string, options: { by: string }, command: Command) => {
      const startedMs = Date.now();
      const number = parsePositiveInteger(version);
      const approved = await withClient(configFor(command), (client) =>
        approvePolicyVersion(client, number, { approvedBy: options.by }),
      );
      // Approving the version already in force changes nothing, so print who approved it and when.
      const when = new Date(approved.approvedAtMs).toISOString();
      const already =
        approved.approvedBy !== options.by || (approved.approvedAtMs ?? 0) < startedMs;
      print(
        already
          ? `policy version ${approved.version} is already approved, by ${approved.approvedBy} at ${when}; nothing changed`
          : `policy version ${approved.version} approved by ${approved.approvedBy}`,
      );
    });

  policy
    .command('export')
    .description('write a policy version for a proxy or policy engine')
    .addOption(
      new Option('--format <format>', 'output format')
        .choices(EXPORT_FORMATS)
        .makeOptionMandatory(),
    )
    .addOption(
      new Option('--mode <mode>', 'monitor reports would-be denials, enforce blocks them')
        .choices(['monitor', 'enforce'])
        .default('monitor'),
    )
    .option('--principal <name>', 'export only this principal')
    .option(
      '--version <number>',
      'policy version (default: the approved one)',
      parsePositiveInteger,
    )
    .option('--out <path>', 'file to write (a folder for --format opa); default stdout')
    .action(exportAction);

  policy
    .command('diff')
    .description('compare a policy version with live traffic: calls it would deny, unused entries')
    .option(
      '--window <duration>',
      'traffic window before --end, for example 24h (default: policy.diffWindowMs)',
    )
    .option(
      '--end <time>',
      'end of the window, ISO 8601 or epoch milliseconds (default: now)',
      parseTime,
    )
    .option(
      '--version <number>',
      'policy version (default: the approved one)',
      parsePositiveInteger,
    )
    .option('--json', 'print the diff as JSON')
    .action(diffAction);
}
