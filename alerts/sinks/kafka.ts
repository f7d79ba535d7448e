import avro from 'avsc';
import { Kafka, logLevel, type KafkaConfig as KafkaJsConfig, type Producer } from 'kafkajs';
import type { KafkaConfig } from '../../core/config.ts';
import { resolveSecret } from '../../core/secret.ts';
import type { Alert } from '../alert.ts';
import { DeliveryError } from '../errors.ts';
import type { KafkaSinkConfig } from './configs.ts';
import type { DeliveryRequest, Sink } from './sink.ts';

/**
 * Avro schema of an alert on a Kafka topic. Findings are a JSON string because their evidence
 * values mix types per detector.
 */
export const ALERT_AVRO_SCHEMA = {
  type: 'record',
  name: 'Alert',
  namespace: 'eastwatch',
  fields: [
    { name: 'id', type: 'string' },
    { name: 'messageId', type: 'string' },
    { name: 'timestamp', type: 'long' },
    { name: 'principal', type: 'string' },
    { name: 'credential', type: 'string' },
    { name: 'severity', type: 'string' },
    { name: 'risk', type: 'double' },
    { name: 'windowStartMs', type: 'long' },
    { name: 'windowEndMs', type: 'long' },
    { name: 'baselineVersion', type: 'long' },
    { name: 'findingsJson', type: 'string' },
    { name: 'sourceIps', type: { type: 'array', items: 'string' } },
    { name: 'revocationDecision', type: ['null', 'string'], default: null },
    { name: 'revocationReason', type: ['null', 'string'], default: null },
  ],
} as const;

export const alertAvroType = avro.Type.forSchema(ALERT_AVRO_SCHEMA as unknown as avro.Schema);

/** Encodes an alert as the value of a Kafka message, in JSON or in Avro binary. */
export function encodeAlert(alert: Alert, messageId: string, format: 'json' | 'avro'): Buffer {
  if (format === 'json') return Buffer.from(JSON.stringify({ ...alert, messageId }));
  return alertAvroType.toBuffer({
    id: alert.id,
    messageId,
    timestamp: alert.timestamp,
    principal: alert.principal,
    credential: alert.credential,
    severity: alert.severity,
    risk: alert.risk,
    windowStartMs: alert.windowStartMs,
    windowEndMs: alert.windowEndMs,
    baselineVersion: alert.baselineVersion,
    findingsJson: JSON.stringify(alert.findings),
    sourceIps: alert.sourceIps,
    revocationDecision: alert.revocation?.decision ?? null,
    revocationReason: alert.revocation?.reason ?? null,
  });
}

/** Creates a kafkajs client for the configured brokers; the SASL password is read here. */
export function createAlertKafka(config: KafkaConfig): Kafka {
  const options: KafkaJsConfig = {
    brokers: [...config.brokers],
    clientId: `${config.clientId}-alerts`,
    ssl: config.ssl,
    connectionTimeout: config.connectionTimeoutMs,
    logLevel: logLevel.NOTHING,
  };
  if (config.sasl) {
    const password = resolveSecret(config.sasl.password, 'kafka.sasl.password').reveal();
    const { mechanism, username } = config.sasl;
    options.sasl = { mechanism, username, password } as KafkaJsConfig['sasl'];
  }
  return new Kafka(options);
}

/**
 * Produces alerts to a topic, keyed by principal so one principal's alerts stay in order on one
 * partition. The producer is idempotent, and each message carries its id in the `message-id`
 * header for consumers that deduplicate retries.
 */
export class KafkaSink implements Sink {
  readonly name: string;
  readonly #producer: Producer;

  constructor(
    private readonly config: KafkaSinkConfig,
    kafka: Kafka,
  ) {
    this.name = config.name;
    this.#producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
  }

  async start(): Promise<void> {
    await this.#producer.connect();
  }

  // NOTE: kafkajs takes no AbortSignal, so stop() cannot cancel a send in flight; the send still
  // ends within `timeoutMs` (the broker's acknowledgement timeout).
  async deliver(request: DeliveryRequest): Promise<number> {
    try {
      await this.#producer.send({
        topic: this.config.topic,
        acks: -1,
        timeout: this.config.timeoutMs,
        messages: [
          {
            key: request.alert.principal,
            value: encodeAlert(request.alert, request.messageId, this.config.format),
            headers: { 'message-id': request.messageId, 'content-format': this.config.format },
          },
        ],
      });
      return 0;
    } catch (cause) {
      const retriable = (cause as { retriable?: unknown }).retriable !== false;
      throw new DeliveryError(`producing to topic ${this.config.topic} failed`, {
        sink: this.name,
        retriable,
        cause,
        context: { topic: this.config.topic },
      });
    }
  }

  async close(): Promise<void> {
    await this.#producer.disconnect();
  }
}
