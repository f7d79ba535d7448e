import kafkajs, { type EachBatchPayload, type KafkaMessage } from 'kafkajs';
import type { Logger } from '../../core/logger.ts';
import type { ConsumerConfig } from '../config.ts';
import type { RecordParser } from '../parse.ts';
import { splitIntoChunks } from './chunks.ts';
import type { DeadLetterProducer, RejectedRecord } from './dead-letter.ts';
import { keepAlive } from './keep-alive.ts';
import type { IngestMetrics } from './metrics.ts';
import { parseRecords } from './records.ts';
import { RetryAbortedError, retryUntilDone } from './retry.ts';
import type { AccessEventRow, ChunkOrigin, EventWriter } from './writer.ts';

/** Dependencies of the handler of one fetched partition batch. */
export interface BatchContext {
  config: ConsumerConfig;
  parserFor: (topic: string) => RecordParser;
  writer: EventWriter;
  deadLetters: DeadLetterProducer;
  metrics: IngestMetrics;
  log: Logger;
  /** Aborts when the consumer stops; retry waits end early. */
  signal: AbortSignal;
  /** Stops the consumer after an error that no retry can fix. */
  fail: (error: unknown) => void;
}

/**
 * Writes one fetched partition batch, chunk by chunk. For each chunk, the rejected records go to
 * the dead-letter topic, then the events are inserted, then the offset after the chunk is
 * committed, so an offset is committed only when every record before it is stored. When a write
 * fails, the partition is paused and the write retried until it succeeds, the consumer stops or
 * the partition is lost. In the last two cases nothing more is committed, and the group member
 * that owns the partition next reads the records again.
 */
export async function handlePartitionBatch(
  context: BatchContext,
  payload: EachBatchPayload,
): Promise<void> {
  const { batch } = payload;
  const { maxBatchRows, maxBatchBytes, heartbeatIntervalMs } = context.config;
  const stopHeartbeats = keepAlive(() => payload.heartbeat(), heartbeatIntervalMs, context.log);
  const partition = new PausedPartition(payload);

  try {
    for (const chunk of splitIntoChunks(batch.messages, maxBatchRows, maxBatchBytes)) {
      if (!payload.isRunning() || payload.isStale()) break;
      await writeChunk(context, payload, partition, chunk);
    }
  } catch (error) {
    if (error instanceof RetryAbortedError) {
      context.log.info(
        { err: error, topic: batch.topic, partition: batch.partition },
        'batch abandoned',
      );
    } else if (error instanceof kafkajs.KafkaJSError) {
      // A failed commit or heartbeat, usually a rebalance: kafkajs rejoins the group, and the
      // records after the last commit are read again.
      throw error;
    } else {
      context.fail(error);
    }
  } finally {
    stopHeartbeats();
    partition.resume();
  }
}

async function writeChunk(
  context: BatchContext,
  payload: EachBatchPayload,
  partition: PausedPartition,
  chunk: KafkaMessage[],
): Promise<void> {
  const { topic, partition: partitionId } = payload.batch;
  const startedMs = performance.now();
  const origin: ChunkOrigin = {
    topic,
    partition: partitionId,
    firstOffset: chunk[0]!.offset,
    lastOffset: chunk[chunk.length - 1]!.offset,
  };

  context.metrics.consumed.inc({ topic }, chunk.length);
  const { rows, rejected } = parseRecords(context.parserFor(topic), topic, partitionId, chunk);

  await deadLetter(context, payload, partition, origin, rejected);
  await insert(context, payload, partition, origin, rows);
  await commitAfter(payload, origin.lastOffset);

  const latencyMs = performance.now() - startedMs;
  recordChunk(context, payload, origin, rows.length, rejected, latencyMs);
}

async function deadLetter(
  context: BatchContext,
  payload: EachBatchPayload,
  partition: PausedPartition,
  origin: ChunkOrigin,
  rejected: RejectedRecord[],
): Promise<void> {
  if (rejected.length === 0) return;
  await retryUntilDone(
    'dead-letter produce',
    () => context.deadLetters.send(origin.topic, origin.partition, rejected),
    retryOptions(context, payload, partition, origin, 'dead_letter'),
  );
}

async function insert(
  context: BatchContext,
  payload: EachBatchPayload,
  partition: PausedPartition,
  origin: ChunkOrigin,
  rows: AccessEventRow[],
): Promise<void> {
  if (rows.length === 0) return;
  await retryUntilDone(
    'insert',
    () => context.writer.insert(rows, origin),
    retryOptions(context, payload, partition, origin, 'insert'),
  );
}

function retryOptions(
  context: BatchContext,
  payload: EachBatchPayload,
  partition: PausedPartition,
  origin: ChunkOrigin,
  operation: 'insert' | 'dead_letter',
): Parameters<typeof retryUntilDone>[2] {
  return {
    initialMs: context.config.retryInitialMs,
    maxMs: context.config.retryMaxMs,
    signal: context.signal,
    shouldStop: () => (payload.isStale() ? 'the partition was reassigned' : undefined),
    onRetry: (err, attempt, delayMs) => {
      partition.pause();
      context.metrics.retries.inc({ topic: origin.topic, operation });
      context.log.warn(
        {
          err,
          operation,
          topic: origin.topic,
          partition: origin.partition,
          offset: origin.firstOffset,
          attempt,
          delay_ms: delayMs,
        },
        'write failed, retrying',
      );
    },
  };
}

/** Commits the offset after `lastOffset`, the next record to read. */
async function commitAfter(payload: EachBatchPayload, lastOffset: string): Promise<void> {
  const { topic, partition } = payload.batch;
  const next = (BigInt(lastOffset) + 1n).toString();
  payload.resolveOffset(lastOffset);
  await payload.commitOffsetsIfNecessary({
    topics: [{ topic, partitions: [{ partition, offset: next }] }],
  });
}

function recordChunk(
  context: BatchContext,
  payload: EachBatchPayload,
  origin: ChunkOrigin,
  inserted: number,
  rejected: RejectedRecord[],
  latencyMs: number,
): void {
  const { topic, partition, highWatermark } = payload.batch;
  const lag = BigInt(highWatermark) - BigInt(origin.lastOffset) - 1n;
  const { metrics } = context;

  metrics.inserted.inc({ topic }, inserted);
  for (const record of rejected) metrics.deadLettered.inc({ topic, reason: record.reason });
  metrics.batchDuration.observe({ topic }, latencyMs / 1000);
  metrics.lag.set({ topic, partition: String(partition) }, Number(lag > 0n ? lag : 0n));

  context.log.info(
    {
      topic,
      partition,
      first_offset: origin.firstOffset,
      last_offset: origin.lastOffset,
      rows: inserted,
      dead_lettered: rejected.length,
      latency_ms: Math.round(latencyMs),
    },
    'batch written',
  );
}

/** Pauses the partition on the first failed write, and resumes it once, when the batch ends. */
class PausedPartition {
  readonly #payload: EachBatchPayload;
  #resume: (() => void) | undefined;

  constructor(payload: EachBatchPayload) {
    this.#payload = payload;
  }

  pause(): void {
    this.#resume ??= this.#payload.pause();
  }

  resume(): void {
    this.#resume?.();
    this.#resume = undefined;
  }
}
