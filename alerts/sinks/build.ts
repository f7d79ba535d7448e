import type { Kafka } from 'kafkajs';
import type { ClickHouseClient } from '../../clickhouse/client.ts';
import type { Config } from '../../core/config.ts';
import { RevocationSink } from '../revocation/revoker.ts';
import { ElasticSink } from './elastic.ts';
import { createAlertKafka, KafkaSink } from './kafka.ts';
import type { FetchFunction, Sink } from './sink.ts';
import { SplunkSink } from './splunk.ts';
import { WebhookSink } from './webhook.ts';

export interface SinkDeps {
  clickhouse: ClickHouseClient;
  kafka: Kafka | undefined;
  fetch: FetchFunction;
  now: () => number;
  env: NodeJS.ProcessEnv;
}

/**
 * Builds the configured sinks, and the revocation caller when the policy enforces. Secrets are
 * read here, so a missing one fails at construction rather than at the first alert.
 */
export function buildSinks(config: Config, deps: SinkDeps): Sink[] {
  let kafka = deps.kafka;
  const sinks: Sink[] = config.alerts.sinks.map((sink) => {
    switch (sink.type) {
      case 'webhook':
        return new WebhookSink(sink, deps.fetch, deps.now, deps.env);
      case 'splunk':
        return new SplunkSink(sink, deps.fetch, deps.env);
      case 'elastic':
        return new ElasticSink(sink, deps.fetch, deps.env);
      case 'kafka':
        kafka ??= createAlertKafka(config.kafka);
        return new KafkaSink(sink, kafka);
    }
  });

  const revocation = config.alerts.revocation;
  if (revocation.mode === 'enforce') {
    sinks.push(new RevocationSink(revocation, deps.clickhouse, deps.fetch, deps.now, deps.env));
  }
  return sinks;
}
