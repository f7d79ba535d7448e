import type { Config } from '../core/config.ts';
import { CHAT_BOT } from './gateway-traffic.ts';
import type { DemoSource } from './sources.ts';

/** Environment variables that carry the demo's secrets to the processes it starts. */
export const DEMO_SECRET_ENV = {
  credentialKey: 'EASTWATCH_DEMO_CREDENTIAL_KEY',
  webhookSecret: 'EASTWATCH_DEMO_WEBHOOK_SECRET',
} as const;

export interface DemoConfigInput {
  base: Config;
  topicPrefix: string;
  database: string;
  sources: DemoSource[];
  receiverUrl: string;
}

export function topicOf(prefix: string, name: string): string {
  return `${prefix}.${name}`;
}

/**
 * The configuration file the demo's processes run with: the local stack, one source per topic,
 * per-account time zones, a signed webhook to the local receiver, and revocation in dry-run.
 * Secrets are references to environment variables, never values.
 */
export function buildDemoConfig(input: DemoConfigInput): Record<string, unknown> {
  const { base, topicPrefix } = input;
  const sources = input.sources.map((s) => ({
    topic: topicOf(topicPrefix, s.name),
    format: s.format,
    ...(s.principal === undefined ? {} : { principal: s.principal }),
  }));
  sources.push({
    topic: topicOf(topicPrefix, 'gateway'),
    format: 'envoy-json',
    principal: 'jwt:sub',
  });

  return {
    kafka: { brokers: base.kafka.brokers },
    clickhouse: { url: base.clickhouse.url, database: input.database },
    stack: base.stack,
    ingest: {
      sources,
      credentialKey: { env: DEMO_SECRET_ENV.credentialKey },
      consumer: { groupId: `${topicPrefix}-ingest`, maxBatchWaitMs: 200 },
    },
    train: {
      timeZones: { [CHAT_BOT.principal]: CHAT_BOT.timeZone, 'svc-wiki-sync': 'Europe/Berlin' },
    },
    alerts: {
      sinks: [
        {
          type: 'webhook',
          name: 'siem',
          url: input.receiverUrl,
          secrets: [{ env: DEMO_SECRET_ENV.webhookSecret }],
          timeoutMs: 5000,
        },
      ],
      minSeverity: 'medium',
      revocation: { mode: 'dry-run', minSeverity: 'high' },
    },
  };
}
