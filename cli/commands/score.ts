import type { Command } from 'commander';
import { createClickHouse } from '../../clickhouse/client.ts';
import type { Config } from '../../core/config.ts';
import { ConfigError } from '../../core/errors.ts';
import { resolveSecret } from '../../core/secret.ts';
import { createAlertPipeline } from '../../alerts/pipeline.ts';
import { createRecordParser } from '../../ingest/parse.ts';
import { createKafka } from '../../ingest/consumer/kafka-client.ts';
import { clickhouseBaselineSource } from '../../detectors/baseline-source.ts';
import { ScoreConsumer } from '../../detectors/consumer.ts';
import { loadOutOfPolicyDetector } from '../../detectors/out-of-policy.ts';
import { createDetectors } from '../../detectors/registry.ts';
import { configFor } from '../context.ts';

interface ScoreFlags {
  topic: string;
  fromBeginning?: boolean;
}

export function registerScore(program: Command): void {
  program
    .command('score')
    .description('score live traffic of a topic and submit alerts, as a consumer group of its own')
    .requiredOption('-t, --topic <topic>', 'access-log topic; its parser comes from ingest.sources')
    .option('--from-beginning', 'read the topic from its start when the group has no offset')
    .action(async (flags: ScoreFlags, command: Command) => {
      await runScore(configFor(command), flags);
    });
}

async function runScore(config: Config, flags: ScoreFlags): Promise<void> {
  const source = config.ingest.sources.find((s) => s.topic === flags.topic);
  if (!source) {
    throw new ConfigError(
      `topic ${flags.topic} has no entry in ingest.sources; add one with its format and principal rule`,
    );
  }
  if (!config.ingest.credentialKey) {
    throw new ConfigError(
      'ingest.credentialKey is not set; the scorer needs the key ingest fingerprints credentials with',
    );
  }
  const credentialKey = resolveSecret(config.ingest.credentialKey, 'ingest.credentialKey');
  const clickhouse = createClickHouse(config.clickhouse);
  const kafka = createKafka(config.kafka, 'score');
  const pipeline = createAlertPipeline(config, { clickhouse, kafka });
  await pipeline.start();

  // The approved least-privilege policy, when there is one, adds the out-of-policy detector.
  // NOTE: a policy approved later is picked up at the next start of the scorer.
  const outOfPolicy = await loadOutOfPolicyDetector(clickhouse, config.policy);
  const consumer = await ScoreConsumer.create({
    kafka,
    topic: flags.topic,
    parse: createRecordParser(source, { credentialKey }),
    config: config.score,
    baselines: clickhouseBaselineSource(clickhouse),
    sink: pipeline,
    clickhouse,
    detectors: [...createDetectors(config.score), outOfPolicy],
    ...(flags.fromBeginning ? { fromBeginning: true } : {}),
  });
  await consumer.start();
  await stopped();

  await consumer.stop();
  await pipeline.idle();
  await pipeline.stop();
  await clickhouse.close();
}

/** Resolves on the first SIGTERM or SIGINT. */
function stopped(): Promise<void> {
  return new Promise((resolve) => {
    const onSignal = () => {
      process.off('SIGTERM', onSignal);
      process.off('SIGINT', onSignal);
      resolve();
    };
    process.on('SIGTERM', onSignal);
    process.on('SIGINT', onSignal);
  });
}
