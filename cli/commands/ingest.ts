import { InvalidArgumentError, Option, type Command } from 'commander';
import type { Config } from '../../core/config.ts';
import { ConfigError } from '../../core/errors.ts';
import { componentLogger } from '../../core/logger.ts';
import { resolveSecret, type Secret } from '../../core/secret.ts';
import { IngestConsumer } from '../../ingest/consumer/consumer.ts';
import { resolveSources } from '../../ingest/consumer/sources.ts';
import { createRecordParser, type RecordParser } from '../../ingest/parse.ts';
import type { SourceConfig } from '../../ingest/source-config.ts';
import { configFor, print } from '../context.ts';

interface IngestFlags {
  topic: string[];
  format?: string;
  principal?: string;
  group?: string;
  metricsPort?: number;
  exitWhenIdle?: number;
}

const log = componentLogger('ingest-command');

export function registerIngest(program: Command): void {
  program
    .command('ingest')
    .description('consume access-log topics from Kafka and store the events in ClickHouse')
    .addOption(
      new Option('-t, --topic <topic>', 'topic to consume; repeat for several')
        .argParser(collect)
        .default([], 'every topic of ingest.sources'),
    )
    .option('-f, --format <format>', 'log format of the topics, for example nginx, apache, json')
    .option(
      '-p, --principal <rule>',
      'principal rule: user, ip, mtls, header:NAME, jwt:CLAIM, field:PATH',
    )
    .option('-g, --group <id>', 'consumer group id (default: ingest.consumer.groupId)')
    .option(
      '--metrics-port <port>',
      'Prometheus metrics port, 0 for none (default: ingest.consumer.metricsPort)',
      integer,
    )
    .option(
      '--exit-when-idle <seconds>',
      'stop once every partition has had no lag for this many seconds',
      seconds,
    )
    .action(async (flags: IngestFlags, command: Command) => {
      await runIngest(withFlags(configFor(command), flags), flags);
    });
}

async function runIngest(config: Config, flags: IngestFlags): Promise<void> {
  const sources = resolveSources(config.ingest.sources, { topics: flags.topic, ...pick(flags) });
  const parsers = createParsers(sources, credentialKey(config));
  const consumer = new IngestConsumer({
    config,
    parsers,
    ...(flags.exitWhenIdle === undefined ? {} : { exitWhenIdleMs: flags.exitWhenIdle * 1000 }),
  });

  const removeHandlers = stopOnSignals(consumer);
  try {
    await consumer.start();
    await consumer.done;
  } finally {
    removeHandlers();
  }

  const inserted = await total(consumer.metrics.inserted);
  const deadLettered = await total(consumer.metrics.deadLettered);
  print(`inserted ${inserted} events, dead-lettered ${deadLettered} records`);
}

function createParsers(sources: SourceConfig[], key: Secret): Map<string, RecordParser> {
  return new Map(sources.map((s) => [s.topic, createRecordParser(s, { credentialKey: key })]));
}

function credentialKey(config: Config): Secret {
  const ref = config.ingest.credentialKey;
  if (ref === undefined) {
    throw new ConfigError(
      'ingest.credentialKey is not set; point it at the secret that keys credential fingerprints, ' +
        'for example { "env": "EASTWATCH_CREDENTIAL_KEY" }',
    );
  }
  return resolveSecret(ref, 'ingest.credentialKey');
}

/**
 * Stops on the first SIGTERM or SIGINT after the chunk in flight is committed. A second signal
 * exits at once with status 130; records after the last commit are read again on restart.
 */
function stopOnSignals(consumer: IngestConsumer): () => void {
  let received = 0;
  const onSignal = (signal: NodeJS.Signals): void => {
    received += 1;
    if (received > 1) {
      log.warn({ signal }, 'second signal, exiting without waiting');
      process.exit(130);
    }
    log.info({ signal }, 'signal received, stopping');
    void consumer.stop();
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
  return () => {
    process.off('SIGTERM', onSignal);
    process.off('SIGINT', onSignal);
  };
}

function withFlags(config: Config, flags: IngestFlags): Config {
  const consumer = { ...config.ingest.consumer };
  if (flags.group !== undefined) consumer.groupId = flags.group;
  if (flags.metricsPort !== undefined) consumer.metricsPort = flags.metricsPort;
  return { ...config, ingest: { ...config.ingest, consumer } };
}

function pick(flags: IngestFlags): { format?: string; principal?: string } {
  return {
    ...(flags.format === undefined ? {} : { format: flags.format }),
    ...(flags.principal === undefined ? {} : { principal: flags.principal }),
  };
}

async function total(metric: {
  get: () => Promise<{ values: { value: number }[] }>;
}): Promise<number> {
  return (await metric.get()).values.reduce((sum, v) => sum + v.value, 0);
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

function integer(value: string): number {
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < 0 || parsed > 65535) {
    throw new InvalidArgumentError(`expected a port from 0 to 65535, got ${value}`);
  }
  return parsed;
}

function seconds(value: string): number {
  const parsed = Number(value);
  if (!Number.isFinite(parsed) || parsed < 0) {
    throw new InvalidArgumentError(`expected a number of seconds, 0 or more, got ${value}`);
  }
  return parsed;
}
