import type { Consumer, EachBatchPayload, Kafka } from 'kafkajs';
import type { ClickHouseClient } from '../clickhouse/client.ts';
import { componentLogger } from '../core/logger.ts';
import type { RecordParser } from '../ingest/parse.ts';
import type { ScoreConfig } from './config.ts';
import type { BaselineSource } from './baseline-source.ts';
import { readRecentEvents, type RebuildPartition } from './rebuild.ts';
import { Scorer, type AlertSink } from './scorer.ts';
import type { Detector } from './detector.ts';

export interface ScoreConsumerOptions {
  kafka: Kafka;
  topic: string;
  parse: RecordParser;
  config: ScoreConfig;
  baselines: BaselineSource;
  sink: AlertSink;
  /** Source of recent events for rebuilding state after a rebalance; none skips the rebuild. */
  clickhouse?: ClickHouseClient;
  /** Extra detectors to run besides the built-in ones. */
  detectors?: Detector[];
  /** Read the topic from the beginning when the group has no committed offset. */
  fromBeginning?: boolean;
}

/** Counters of the streaming scorer, besides the scorer's own. */
export interface ScoreConsumerCounters {
  records: number;
  rejected: number;
  rebuiltEvents: number;
  baselineReloads: number;
}

/**
 * The consumer behind `eastwatch score`, a kafkajs consumer group of its own. It parses each
 * record with the topic's ingest parser, scores it and submits alerts to the sink. A batch's
 * offsets are committed only after its alerts were submitted, so an alert is delivered at
 * least once.
 *
 * State lives in this instance for the principals of the partitions it owns. After each
 * rebalance, newly assigned partitions are rebuilt from `access_events` (the events below the
 * group's committed offset, within `rebuildLookbackMs`), and principals of partitions it lost
 * are dropped. A new baseline version is picked up by polling, without a restart.
 */
export class ScoreConsumer {
  readonly counters: ScoreConsumerCounters = {
    records: 0,
    rejected: 0,
    rebuiltEvents: 0,
    baselineReloads: 0,
  };
  readonly scorer: Scorer;

  readonly #options: ScoreConsumerOptions;
  readonly #consumer: Consumer;
  readonly #log = componentLogger('score');
  readonly #principalPartitions = new Map<string, number>();
  #assigned = new Set<number>();
  #rebuilding: Promise<void> = Promise.resolve();
  #pollTimer: NodeJS.Timeout | undefined;
  #started: Promise<void> | undefined;
  #stopped: Promise<void> | undefined;

  private constructor(options: ScoreConsumerOptions, scorer: Scorer) {
    this.#options = options;
    this.scorer = scorer;
    this.#consumer = options.kafka.consumer({ groupId: options.config.groupId });
  }

  /** Loads the current baselines and creates the consumer; call `start()` to run it. */
  static async create(options: ScoreConsumerOptions): Promise<ScoreConsumer> {
    const baselines = await options.baselines.load();
    const scorer = new Scorer({
      config: options.config,
      baselines,
      ...(options.detectors ? { detectors: options.detectors } : {}),
    });
    return new ScoreConsumer(options, scorer);
  }

  /** Connects, subscribes and starts consuming. A second call shares the first one's promise. */
  start(): Promise<void> {
    this.#started ??= this.#start();
    return this.#started;
  }

  /** Stops consuming and polling. A second call shares the first one's promise. */
  stop(): Promise<void> {
    this.#stopped ??= this.#stop();
    return this.#stopped;
  }

  async #start(): Promise<void> {
    const { topic, config } = this.#options;
    this.#consumer.on(this.#consumer.events.GROUP_JOIN, (event) => {
      const partitions = event.payload.memberAssignment[topic] ?? [];
      this.#rebuilding = this.#rebuilding.then(() => this.#onAssignment(partitions));
    });
    await this.#consumer.connect();
    await this.#consumer.subscribe({ topic, fromBeginning: this.#options.fromBeginning ?? false });
    await this.#consumer.run({
      autoCommit: false,
      eachBatchAutoResolve: false,
      eachBatch: (payload) => this.#eachBatch(payload),
    });
    this.#pollTimer = setInterval(() => void this.#pollBaselines(), config.baselinePollIntervalMs);
    this.#log.info(
      { topic, group_id: config.groupId, baseline_version: this.scorer.baselineVersion },
      'scorer started',
    );
  }

  async #stop(): Promise<void> {
    if (this.#pollTimer) clearInterval(this.#pollTimer);
    await this.#consumer.disconnect();
    this.#log.info({ topic: this.#options.topic, ...this.scorer.counters }, 'scorer stopped');
  }

  async #eachBatch(payload: EachBatchPayload): Promise<void> {
    const { batch } = payload;
    await this.#rebuilding;
    const base = { topic: batch.topic, partition: batch.partition };

    for (const message of batch.messages) {
      if (!payload.isRunning() || payload.isStale()) break;
      this.counters.records += 1;
      const outcome = this.#options.parse(message.value ?? Buffer.alloc(0), {
        ...base,
        offset: message.offset,
        timestampMs: Number(message.timestamp),
      });
      if (outcome.ok) {
        this.#principalPartitions.set(outcome.event.principal, batch.partition);
        const alert = this.scorer.process(outcome.event);
        if (alert) await this.#options.sink.submit(alert);
      } else {
        // Ingest dead-letters unparseable records; the scorer only counts them.
        this.counters.rejected += 1;
      }
      payload.resolveOffset(message.offset);
    }

    // With autoCommit off, kafkajs commits only offsets passed in explicitly.
    await payload.commitOffsetsIfNecessary(payload.uncommittedOffsets());
    await payload.heartbeat();
  }

  /** Drops principals of lost partitions and rebuilds the state of newly assigned ones. */
  async #onAssignment(partitions: number[]): Promise<void> {
    const next = new Set(partitions);
    const lost = [...this.#assigned].filter((p) => !next.has(p));
    const gained = partitions.filter((p) => !this.#assigned.has(p));
    this.#assigned = next;

    if (lost.length > 0) this.#forgetPartitions(new Set(lost));
    if (gained.length === 0 || !this.#options.clickhouse) return;
    try {
      await this.#rebuild(gained);
    } catch (err) {
      // Scoring goes on with empty state: findings that need history start cold.
      this.#log.error(
        { err, topic: this.#options.topic, partitions: gained },
        'state rebuild failed',
      );
    }
  }

  #forgetPartitions(lost: Set<number>): void {
    const principals: string[] = [];
    for (const [principal, partition] of this.#principalPartitions) {
      if (lost.has(partition)) principals.push(principal);
    }
    this.scorer.forget(principals);
    for (const principal of principals) this.#principalPartitions.delete(principal);
  }

  async #rebuild(gained: number[]): Promise<void> {
    const { topic, config, clickhouse, kafka } = this.#options;
    const admin = kafka.admin();
    await admin.connect();
    let committed: RebuildPartition[];
    try {
      const offsets = await admin.fetchOffsets({ groupId: config.groupId, topics: [topic] });
      const byPartition = new Map(
        (offsets[0]?.partitions ?? []).map((p) => [p.partition, Number(p.offset)]),
      );
      committed = gained.map((partition) => ({
        partition,
        committedOffset: byPartition.get(partition) ?? -1,
      }));
    } finally {
      await admin.disconnect();
    }

    const sinceMs = Date.now() - config.rebuildLookbackMs;
    const events = await readRecentEvents(clickhouse!, topic, committed, sinceMs);
    // Alerts raised while replaying history were raised (or not) before the rebalance.
    for (const event of events) {
      this.#principalPartitions.set(event.principal, event.partition);
      this.scorer.process(event);
    }
    this.counters.rebuiltEvents += events.length;
    this.#log.info({ topic, partitions: gained, events: events.length }, 'state rebuilt');
  }

  async #pollBaselines(): Promise<void> {
    try {
      const version = await this.#options.baselines.currentVersion();
      if (version === this.scorer.baselineVersion) return;
      this.scorer.setBaselines(await this.#options.baselines.load());
      this.counters.baselineReloads += 1;
      this.#log.info({ baseline_version: this.scorer.baselineVersion }, 'baselines reloaded');
    } catch (err) {
      this.#log.warn({ err }, 'baseline poll failed');
    }
  }
}
