import { z } from 'zod';
import { secretRefSchema } from '../core/secret.ts';
import { sourceConfigSchema } from './source-config.ts';

const positiveInt = z.number().int().positive();

/** Consumer settings: batching, retries, dead-lettering and metrics. */
export const consumerConfigSchema = z
  .strictObject({
    /** Kafka consumer group of the ingest processes; members share the partitions. */
    groupId: z.string().min(1).default('eastwatch-ingest'),
    /** Read a new group's partitions from the earliest offset rather than the latest. */
    fromBeginning: z.boolean().default(true),
    /** Maximum rows in one ClickHouse insert. */
    maxBatchRows: positiveInt.default(50_000),
    /** Maximum record bytes in one ClickHouse insert; also the fetch size per partition. */
    maxBatchBytes: positiveInt.default(16 * 1024 * 1024),
    /** Maximum record bytes fetched at once across all partitions, which bounds memory. */
    maxFetchBytes: positiveInt.default(64 * 1024 * 1024),
    /** Maximum time the broker waits to fill a fetch before it responds, in milliseconds. */
    maxBatchWaitMs: positiveInt.default(1000),
    /** Partitions whose batches are written at the same time by one process. */
    partitionsConsumedConcurrently: positiveInt.default(2),
    /** Minimum bytes the broker collects before it responds to a fetch early. */
    minFetchBytes: positiveInt.default(1024 * 1024),
    /** First retry delay after a failed insert or dead-letter produce, in milliseconds. */
    retryInitialMs: positiveInt.default(500),
    /** Upper bound of the retry delay, in milliseconds. */
    retryMaxMs: positiveInt.default(30_000),
    /** Consumer group session timeout, in milliseconds. */
    sessionTimeoutMs: positiveInt.default(30_000),
    /** Interval between heartbeats to the group coordinator, in milliseconds. */
    heartbeatIntervalMs: positiveInt.default(3000),
    /** Suffix of the dead-letter topic: records of `T` that fail to parse go to `T` + suffix. */
    deadLetterSuffix: z.string().min(1).default('.dlq'),
    /** ClickHouse table the events are inserted into. */
    table: z
      .string()
      .regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'expected an identifier of letters, digits and _')
      .default('access_events'),
    /** Port of the Prometheus metrics endpoint; 0 turns it off. */
    metricsPort: z.number().int().min(0).max(65535).default(0),
    /** Address the metrics endpoint listens on. */
    metricsHost: z.string().min(1).default('127.0.0.1'),
    /** Interval between consumer-lag measurements, in milliseconds. */
    lagIntervalMs: positiveInt.default(5000),
  })
  .refine((c) => c.retryMaxMs >= c.retryInitialMs, {
    message: 'retryMaxMs must be at least retryInitialMs',
    path: ['retryMaxMs'],
  })
  .refine((c) => c.maxFetchBytes >= c.maxBatchBytes, {
    message: 'maxFetchBytes must be at least maxBatchBytes',
    path: ['maxFetchBytes'],
  })
  .refine((c) => c.sessionTimeoutMs > c.heartbeatIntervalMs * 3, {
    message: 'sessionTimeoutMs must exceed three heartbeat intervals',
    path: ['sessionTimeoutMs'],
  })
  .prefault({});

/** Settings of the `ingest` section. */
export const ingestConfigSchema = z
  .strictObject({
    /** One entry per access-log topic: its format and how the principal is found. */
    sources: z.array(sourceConfigSchema).default([]),
    /** HMAC-SHA256 key of credential fingerprints; without it ingest cannot start. */
    credentialKey: secretRefSchema.optional(),
    consumer: consumerConfigSchema,
  })
  .prefault({});

export type IngestConfig = z.infer<typeof ingestConfigSchema>;
export type ConsumerConfig = IngestConfig['consumer'];
