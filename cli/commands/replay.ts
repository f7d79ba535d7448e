import { randomBytes } from 'node:crypto';
import { createWriteStream, existsSync, statSync, type WriteStream } from 'node:fs';
import { once } from 'node:events';
import type { Command } from 'commander';
import type { Alert } from '../../alerts/alert.ts';
import { ConfigError } from '../../core/errors.ts';
import { resolveSecret, Secret } from '../../core/secret.ts';
import { LOG_FORMATS, type LogFormat } from '../../ingest/source-config.ts';
import { replay, type ReplayProgress, type ReplaySummary } from '../../detectors/replay.ts';
import { configFor, print } from '../context.ts';

interface ReplayFlags {
  format: string;
  principal?: string;
  learnUntil?: string;
  alerts: string;
  host?: string;
  timeZone?: string;
}

export function registerReplay(program: Command): void {
  program
    .command('replay')
    .description(
      'learn baselines from the start of log files and score the rest offline, without Kafka or ClickHouse',
    )
    .argument('<files...>', 'log files, read in order')
    .requiredOption('-f, --format <format>', `log format: ${LOG_FORMATS.join(', ')}`)
    .option(
      '-p, --principal <rule>',
      'principal rule: user, ip, header:NAME, jwt:CLAIM, field:PATH, mtls',
    )
    .option(
      '--learn-until <time>',
      'ISO 8601 time or epoch milliseconds; events before it train (default: first 70% of the span)',
    )
    .requiredOption(
      '-o, --alerts <file>',
      'JSON-lines file the alerts are written to, one per line',
    )
    .option('--host <host>', 'destination host for lines that name none')
    .option('--time-zone <zone>', 'IANA time zone of timestamps without an offset (default UTC)')
    .action(async (files: string[], flags: ReplayFlags, command: Command) => {
      const config = configFor(command);
      checkInputs(files);
      const output = await openOutput(flags.alerts);
      const summary = await replay({
        files,
        source: {
          topic: 'replay',
          format: parseFormat(flags.format),
          ...(flags.principal ? { principal: flags.principal } : {}),
          ...(flags.host ? { host: flags.host } : {}),
          ...(flags.timeZone ? { timeZone: flags.timeZone } : {}),
        },
        credentialKey: credentialKey(config.ingest.credentialKey),
        ...(flags.learnUntil ? { learnUntilMs: parseTime(flags.learnUntil) } : {}),
        score: config.score,
        train: config.train,
        onAlert: (alert) => writeAlert(output, alert),
        onProgress: reportProgress,
      });
      output.end();
      await once(output, 'finish');
      printSummary(summary, flags.alerts);
    });
}

function checkInputs(files: string[]): void {
  for (const file of files) {
    if (!existsSync(file)) throw new ConfigError(`log file ${file} does not exist; check the path`);
    if (!statSync(file).isFile()) {
      throw new ConfigError(`${file} is not a file; name the log files themselves, not a folder`);
    }
  }
}

/** Opens the alerts file before any work, so a bad path fails at once and names itself. */
async function openOutput(path: string): Promise<WriteStream> {
  const output = createWriteStream(path, { flags: 'w' });
  try {
    await once(output, 'open');
  } catch (cause) {
    throw new ConfigError(
      `cannot write the alerts file ${path}; check that its folder exists and is writable`,
      { cause },
    );
  }
  return output;
}

function parseFormat(format: string): LogFormat {
  if ((LOG_FORMATS as readonly string[]).includes(format)) return format as LogFormat;
  throw new ConfigError(
    `--format ${format} is not a known format; use one of ${LOG_FORMATS.join(', ')}`,
  );
}

/** Parses `--learn-until`: epoch milliseconds or an ISO 8601 time with a zone. */
export function parseTime(text: string): number {
  const value = /^\d+$/.test(text) ? Number(text) : Date.parse(text);
  if (!Number.isFinite(value)) {
    throw new ConfigError(
      `--learn-until ${text} is not a time; use ISO 8601 such as 2015-05-19T12:00:00Z or epoch milliseconds`,
    );
  }
  return value;
}

/**
 * The fingerprint key: the configured `ingest.credentialKey`, else a random key for this run,
 * so fingerprints are consistent within the run but do not match stored ones.
 */
function credentialKey(ref: Parameters<typeof resolveSecret>[0] | undefined): Secret {
  if (ref) return resolveSecret(ref, 'ingest.credentialKey');
  return new Secret(randomBytes(32).toString('hex'), 'random key of this replay');
}

async function writeAlert(output: WriteStream, alert: Alert): Promise<void> {
  if (!output.write(`${JSON.stringify(alert)}\n`)) await once(output, 'drain');
}

function reportProgress(progress: ReplayProgress): void {
  const percent = progress.total > 0 ? Math.floor((progress.done / progress.total) * 100) : 100;
  const unit = progress.phase === 'read' ? 'bytes' : 'events';
  process.stderr.write(
    `replay: ${progress.phase} ${percent}% (${progress.done} of ${progress.total} ${unit})\n`,
  );
}

function printSummary(summary: ReplaySummary, alertsFile: string): void {
  const rejected = Object.entries(summary.rejected)
    .map(([reason, count]) => `${reason} ${count}`)
    .join(', ');
  const alerts = summary.alerts;
  print(
    `lines read:         ${summary.lines} (${summary.events} events${rejected ? `; rejected: ${rejected}` : ''})`,
  );
  print(`time span:          ${iso(summary.firstEventMs)} to ${iso(summary.lastEventMs)}`);
  print(`learned until:      ${iso(summary.learnUntilMs)}`);
  print(
    `baselines:          ${summary.trainedPrincipals} principals (${summary.matureBaselines} mature)`,
  );
  print(
    `events scored:      ${summary.scoredEvents} (${summary.lateEvents} late, ${summary.findings} findings)`,
  );
  print(
    `alerts:             ${alerts.critical} critical, ${alerts.high} high, ${alerts.medium} medium, ` +
      `${alerts.low} low, written to ${alertsFile}`,
  );
  print(
    `time:               read ${summary.readMs} ms, train ${summary.trainMs} ms, score ${summary.scoreMs} ms`,
  );
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}
