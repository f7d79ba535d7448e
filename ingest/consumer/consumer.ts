import { Partitioners, type Admin, type Consumer, type Kafka, type Producer } from 'kafkajs';
import { createClickHouse, type ClickHouseClient } from '../../clickhouse/client.ts';
import type { Config } from '../../core/config.ts';
import { ConfigError, EastwatchError } from '../../core/errors.ts';
import { componentLogger, type Logger } from '../../core/logger.ts';
import type { RecordParser } from '../parse.ts';
import { DeadLetterProducer } from './dead-letter.ts';
import { createKafka } from './kafka-client.ts';
import { LagMonitor } from './lag-monitor.ts';
import { IngestMetrics, serveMetrics } from './metrics.ts';
import { handlePartitionBatch, type BatchContext } from './partition-batch.ts';
import { EventWriter } from './writer.ts';

export interface IngestConsumerOptions {
  config: Config;
  /** The parser of each topic to consume; the keys are the subscribed topics. */
  parsers: ReadonlyMap<string, RecordParser>;
  /** Stop once every partition has had no lag for this long, in milliseconds. */
  exitWhenIdleMs?: number;
  /** A kafkajs client to use instead of one built from `config.kafka`. */
  kafka?: Kafka;
}

/**
 * The ingest consumer: a kafkajs consumer group that parses access-log records, inserts the
 * events into ClickHouse, sends the records it cannot parse to `<topic>.dlq`, and commits each
 * partition's offset only after everything before it is stored.
 */
export class IngestConsumer {
  readonly metrics = new IngestMetrics();
  readonly #options: IngestConsumerOptions;
  readonly #log: Logger;
  readonly #abort = new AbortController();
  readonly #kafka: Kafka;
  readonly #consumer: Consumer;
  readonly #producer: Producer;
  readonly #admin: Admin;
  readonly #clickhouse: ClickHouseClient;
  #lagMonitor: LagMonitor | undefined;
  #metricsServer: { port: number; close: () => Promise<void> } | undefined;
  #stopping: Promise<void> | undefined;
  #failure: Error | undefined;
  #finished!: (error?: Error) => void;

  /** Settles when the consumer has stopped: rejects with the error that stopped it, if any. */
  readonly done: Promise<void>;

  constructor(options: IngestConsumerOptions) {
    if (options.parsers.size === 0) {
      throw new ConfigError('no topic to ingest; pass --topic or configure ingest.sources');
    }
    const { config } = options;
    const consumerConfig = config.ingest.consumer;
    this.#options = options;
    this.#log = componentLogger('ingest', { group_id: consumerConfig.groupId });
    this.#kafka = options.kafka ?? createKafka(config.kafka, 'ingest');
    this.#consumer = this.#kafka.consumer({
      groupId: consumerConfig.groupId,
      sessionTimeout: consumerConfig.sessionTimeoutMs,
      heartbeatInterval: consumerConfig.heartbeatIntervalMs,
      maxBytesPerPartition: consumerConfig.maxBatchBytes,
      maxBytes: consumerConfig.maxFetchBytes,
      minBytes: consumerConfig.minFetchBytes,
      maxWaitTimeInMs: consumerConfig.maxBatchWaitMs,
    });
    this.#producer = this.#kafka.producer({
      allowAutoTopicCreation: true,
      createPartitioner: Partitioners.DefaultPartitioner,
    });
    this.#admin = this.#kafka.admin();
    this.#clickhouse = createClickHouse(config.clickhouse);
    this.done = new Promise((resolve, reject) => {
      this.#finished = (error) => (error === undefined ? resolve() : reject(error));
    });
    // The failure is logged where it happens, so a caller that only awaits stop() must not get
    // an unhandled rejection from `done`.
    this.done.catch(() => undefined);
  }

  get topics(): string[] {
    return [...this.#options.parsers.keys()];
  }

  /** Port of the metrics endpoint, once started; undefined when metrics are off. */
  get metricsPort(): number | undefined {
    return this.#metricsServer?.port;
  }

  /**
   * Connects, subscribes and starts consuming. Resolves once the consumer runs. On a failure,
   * closes what was opened and raises the error.
   */
  async start(): Promise<void> {
    try {
      await this.#run();
    } catch (error) {
      await this.stop();
      throw error;
    }
  }

  async #run(): Promise<void> {
    const consumerConfig = this.#options.config.ingest.consumer;
    await Promise.all([this.#consumer.connect(), this.#producer.connect(), this.#admin.connect()]);
    const existing = new Set(await this.#admin.listTopics());
    const missing = this.topics.filter((t) => !existing.has(t));
    if (missing.length > 0) {
      throw new ConfigError(
        `topic ${missing.join(', ')} does not exist on ${this.#options.config.kafka.brokers.join(', ')}; ` +
          'create it, or check --topic and ingest.sources',
      );
    }
    await this.#createDeadLetterTopics(existing);
    await this.#startMetrics();

    await this.#consumer.subscribe({
      topics: this.topics,
      fromBeginning: consumerConfig.fromBeginning,
    });
    this.#consumer.on(this.#consumer.events.CRASH, (event) => {
      if (!event.payload.restart) this.#fail(event.payload.error);
    });

    const context = this.#batchContext();
    await this.#consumer.run({
      autoCommit: false,
      eachBatchAutoResolve: false,
      partitionsConsumedConcurrently: consumerConfig.partitionsConsumedConcurrently,
      eachBatch: (payload) => handlePartitionBatch(context, payload),
    });

    this.#startLagMonitor();
    this.#log.info({ topics: this.topics }, 'ingest started');
  }

  /**
   * Stops consuming: the chunk being written finishes and is committed, and every connection
   * closes. A chunk still waiting for a retry is left uncommitted and is read again on the next
   * start. Idempotent: every call returns the same promise.
   */
  stop(): Promise<void> {
    this.#stopping ??= this.#shutdown();
    return this.#stopping;
  }

  async #shutdown(): Promise<void> {
    this.#abort.abort();
    this.#lagMonitor?.stop();
    try {
      // disconnect() waits for the batch in flight, which commits what it wrote.
      await this.#consumer.disconnect();
      await Promise.all([this.#producer.disconnect(), this.#admin.disconnect()]);
      await this.#clickhouse.close();
      await this.#metricsServer?.close();
    } catch (error) {
      this.#failure ??= asError(error);
    }
    this.#log.info({ failed: this.#failure !== undefined }, 'ingest stopped');
    this.#finished(this.#failure);
  }

  #fail(error: unknown): void {
    this.#log.error({ err: error }, 'ingest failed');
    this.#failure ??= asError(error);
    void this.stop();
  }

  #batchContext(): BatchContext {
    const { config, parsers } = this.#options;
    return {
      config: config.ingest.consumer,
      parserFor: (topic) => {
        const parser = parsers.get(topic);
        if (!parser) throw new EastwatchError('INGEST_TOPIC_UNKNOWN', `no parser for ${topic}`);
        return parser;
      },
      writer: new EventWriter(this.#clickhouse, config.ingest.consumer.table),
      deadLetters: new DeadLetterProducer(this.#producer, config.ingest.consumer.deadLetterSuffix),
      metrics: this.metrics,
      log: this.#log,
      signal: this.#abort.signal,
      fail: (error) => this.#fail(error),
    };
  }

  /** Creates missing dead-letter topics with as many partitions as their source topic. */
  async #createDeadLetterTopics(existing: ReadonlySet<string>): Promise<void> {
    const suffix = this.#options.config.ingest.consumer.deadLetterSuffix;
    const sources = this.topics.filter((t) => !existing.has(`${t}${suffix}`));
    if (sources.length === 0) return;
    try {
      const metadata = await this.#admin.fetchTopicMetadata({ topics: sources });
      const topics = metadata.topics.map((t) => ({
        topic: `${t.name}${suffix}`,
        numPartitions: t.partitions.length,
      }));
      await this.#admin.createTopics({ topics, waitForLeaders: true });
    } catch (err) {
      // A broker that forbids this client to create topics still accepts records for topics an
      // operator created. A topic that is still missing shows up as a retried dead-letter produce.
      this.#log.warn({ err }, 'dead-letter topics not created');
    }
  }

  async #startMetrics(): Promise<void> {
    const { metricsPort, metricsHost } = this.#options.config.ingest.consumer;
    if (metricsPort === 0) return;
    this.#metricsServer = await serveMetrics(this.metrics, metricsHost, metricsPort);
    this.#log.info({ host: metricsHost, port: this.#metricsServer.port }, 'metrics served');
  }

  #startLagMonitor(): void {
    const { groupId, lagIntervalMs } = this.#options.config.ingest.consumer;
    this.#lagMonitor = new LagMonitor({
      admin: this.#admin,
      groupId,
      topics: this.topics,
      intervalMs:
        this.#options.exitWhenIdleMs === undefined ? lagIntervalMs : Math.min(lagIntervalMs, 1000),
      metrics: this.metrics,
      log: this.#log,
      ...(this.#options.exitWhenIdleMs === undefined
        ? {}
        : { idleMs: this.#options.exitWhenIdleMs, onIdle: () => void this.#stopWhenIdle() }),
    });
    this.#lagMonitor.start();
  }

  async #stopWhenIdle(): Promise<void> {
    this.#log.info({ idle_ms: this.#options.exitWhenIdleMs }, 'topics drained, stopping');
    await this.stop();
  }
}

function asError(error: unknown): Error {
  if (error instanceof Error) return error;
  return new EastwatchError('INGEST_FAILED', 'ingest failed with a non-error value', {
    cause: error,
  });
}
