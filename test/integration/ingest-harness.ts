import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Kafka, KafkaMessage } from 'kafkajs';
import type { ClickHouseClient } from '../../clickhouse/client.ts';
import { raw, sql } from '../../clickhouse/sql.ts';
import { uniqueName } from '../helpers/stack.ts';

/** The real Apache log of 10,000 lines. */
export const APACHE_LOG = resolve('test/fixtures/apache-combined/apache_logs');
export const APACHE_LINES = 10_000;

/** Produces each line of `file` as one record, with kcat. */
export function produceLines(broker: string, topic: string, file: string): void {
  const result = spawnSync('kcat', ['-P', '-b', broker, '-t', topic, '-l', file], {
    encoding: 'utf8',
  });
  if (result.status !== 0) throw new Error(`kcat failed (${result.status}): ${result.stderr}`);
}

/** Writes a configuration file for a spawned ingest process and returns its path. */
export function writeIngestConfig(
  consumer: Record<string, unknown> = {},
  sources: Record<string, unknown>[] = [],
): string {
  const dir = mkdtempSync(join(tmpdir(), 'eastwatch-ingest-'));
  const file = join(dir, 'eastwatch.config.json');
  const config = {
    ingest: {
      credentialKey: { env: 'EASTWATCH_TEST_CREDENTIAL_KEY' },
      sources,
      consumer: { groupId: uniqueName('ingest'), ...consumer },
    },
  };
  writeFileSync(file, JSON.stringify(config));
  return file;
}

export interface IngestProcess {
  child: ChildProcess;
  stdout: () => string;
  stderr: () => string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** Runs `eastwatch ingest ARGS` as its own process, the way an operator runs it. */
export function spawnIngest(
  args: string[],
  env: { configFile: string; brokers: string; clickhouseUrl: string; database: string },
): IngestProcess {
  const child = spawn('node', ['bin/eastwatch.js', 'ingest', ...args], {
    env: {
      ...process.env,
      EASTWATCH_CONFIG: env.configFile,
      EASTWATCH_KAFKA_BROKERS: env.brokers,
      EASTWATCH_CLICKHOUSE_URL: env.clickhouseUrl,
      EASTWATCH_CLICKHOUSE_DATABASE: env.database,
      EASTWATCH_TEST_CREDENTIAL_KEY: 'test-fingerprint-key',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((done) => {
    child.once('exit', (code, signal) => done({ code, signal }));
  });
  return { child, stdout: () => stdout, stderr: () => stderr, exited };
}

export interface EventCounts {
  /** Rows stored, replays included. */
  rows: number;
  /** Rows after ReplacingMergeTree collapses replays. */
  final: number;
  /** Distinct event ids. */
  ids: number;
}

/** Counts the stored events, all of them or those of one topic. */
export async function countEvents(client: ClickHouseClient, topic?: string): Promise<EventCounts> {
  const where = topic === undefined ? raw('1') : sql`topic = ${topic}`;
  const result = await client.query({
    query: sql`SELECT count() AS rows, uniqExact(id) AS ids,
                 (SELECT count() FROM access_events FINAL WHERE ${where}) AS final
               FROM access_events WHERE ${where}`.text,
    format: 'JSONEachRow',
  });
  const [row] = await result.json<{ rows: string; ids: string; final: string }>();
  return { rows: Number(row?.rows), final: Number(row?.final), ids: Number(row?.ids) };
}

/** Polls `check` every 100 ms until it returns true or `timeoutMs` passes. */
export async function waitUntil(
  check: () => Promise<boolean>,
  timeoutMs: number,
  condition: string,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return;
    await new Promise((done) => setTimeout(done, 100));
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${condition}`);
}

/** Reads `count` records of a topic from the beginning with a throwaway consumer group. */
export async function readTopic(
  kafka: Kafka,
  topic: string,
  count: number,
  timeoutMs = 30_000,
): Promise<KafkaMessage[]> {
  const consumer = kafka.consumer({ groupId: uniqueName('reader') });
  const messages: KafkaMessage[] = [];
  await consumer.connect();
  try {
    await consumer.subscribe({ topic, fromBeginning: true });
    const all = new Promise<void>((done) => {
      void consumer.run({
        eachMessage: ({ message }) => {
          messages.push(message);
          if (messages.length >= count) done();
          return Promise.resolve();
        },
      });
    });
    const timeout = new Promise<void>((done) => setTimeout(done, timeoutMs));
    await Promise.race([all, timeout]);
  } finally {
    await consumer.disconnect();
  }
  return messages;
}

/**
 * Produces `lines` with one kcat process, `linesPerTick` every `tickMs`, so that records are
 * still arriving while a test kills or starves the consumer. Resolves when kcat has exited.
 */
export async function produceSlowly(
  broker: string,
  topic: string,
  lines: readonly string[],
  linesPerTick: number,
  tickMs: number,
): Promise<void> {
  const kcat = spawn('kcat', ['-P', '-b', broker, '-t', topic], {
    stdio: ['pipe', 'ignore', 'pipe'],
  });
  let stderr = '';
  kcat.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<number | null>((done) => kcat.once('exit', done));

  for (let i = 0; i < lines.length; i += linesPerTick) {
    kcat.stdin.write(`${lines.slice(i, i + linesPerTick).join('\n')}\n`);
    await new Promise((done) => setTimeout(done, tickMs));
  }
  kcat.stdin.end();

  const code = await exited;
  if (code !== 0) throw new Error(`kcat failed (${code}): ${stderr}`);
}
