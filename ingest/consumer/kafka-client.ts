import { Kafka, logLevel, type KafkaConfig as KafkaJsConfig, type logCreator } from 'kafkajs';
import type { KafkaConfig } from '../../core/config.ts';
import { componentLogger } from '../../core/logger.ts';
import { resolveSecret } from '../../core/secret.ts';

const kafkaLog = componentLogger('kafkajs');

/** Routes kafkajs's own warnings and errors into the pino log. */
const pinoLogCreator: logCreator = () => (entry) => {
  const { message, ...fields } = entry.log;
  const data = { kafka_namespace: entry.namespace, ...fields };
  if (entry.level === logLevel.ERROR) kafkaLog.error(data, message);
  else if (entry.level === logLevel.WARN) kafkaLog.warn(data, message);
  else kafkaLog.debug(data, message);
};

/** Creates a kafkajs client for the configured brokers. The SASL password is read here. */
export function createKafka(config: KafkaConfig, clientIdSuffix: string): Kafka {
  const options: KafkaJsConfig = {
    brokers: [...config.brokers],
    clientId: `${config.clientId}-${clientIdSuffix}`,
    ssl: config.ssl,
    connectionTimeout: config.connectionTimeoutMs,
    logLevel: logLevel.WARN,
    logCreator: pinoLogCreator,
  };
  if (config.sasl) {
    const password = resolveSecret(config.sasl.password, 'kafka.sasl.password').reveal();
    const { mechanism, username } = config.sasl;
    options.sasl = { mechanism, username, password } as KafkaJsConfig['sasl'];
  }
  return new Kafka(options);
}
