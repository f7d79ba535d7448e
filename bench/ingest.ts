import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createWriteStream, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Kafka, logLevel } from 'kafkajs';
import { createClickHouse, queryRows } from '../clickhouse/client.ts';
import { migrate } from '../clickhouse/migrate.ts';
import { ident, raw, sql } from '../clickhouse/sql.ts';
import { loadConfig, type Config } from '../core/config.ts';
import { Secret } from '../core/secret.ts';
import { IngestConsumer } from '../ingest/consumer/consumer.ts';
import { toRow, type AccessEventRow } from '../ingest/consumer/writer.ts';
import { createRecordParser } from '../ingest/parse.ts';
import { median, type BenchSection } from './page.ts';

/**
 * Kafka to ClickHouse throughput of `eastwatch ingest` against a native path on the same topic
 * and the same table: `kcat` piped into `clickhouse-client`. The Kafka table engine of ClickHouse
 * 18.16 is not the native path because its consumer never joined its group on the Kafka 4.1
 * broker here: a materialized view over it stored 0 of 2 records in 20 s.
 */
const EVENTS = 1_000_000;
const RUNS = 3;
const PARTITIONS = 2;
const SOURCE_LOG = 'test/fixtures/apache-combined/apache_logs';

/** The four days the Apache log spans, in milliseconds: each copy of the log is moved by this. */
const COPY_SHIFT_MS = 4 * 86_400_000;

const FIELD_MAPPING = {
  timestamp: 'timestamp',
  requestId: 'id',
  sourceIp: 'source_ip',
  userAgent: 'user_agent',
  method: 'method',
  host: 'host',
  path: 'path',
  status: 'status',
  bytesIn: 'bytes_in',
  bytesOut: 'bytes_out',
  durationMs: 'duration_ms',
};

interface RunResult {
  eastwatchPerSecond: number;
  nativePerSecond: number;
}

export async function run(): Promise<BenchSection> {
  const config = loadConfig();
  const dir = mkdtempSync(join(tmpdir(), 'eastwatch-bench-ingest-'));
  const kafka = new Kafka({ brokers: [...config.kafka.brokers], logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  await admin.connect();
  const topic = `bench_ingest_${Date.now().toString(36)}`;

  try {
    const file = join(dir, 'events.jsonl');
    const bytes = await writeEvents(file);
    await admin.createTopics({
      topics: [{ topic, numPartitions: PARTITIONS }],
      waitForLeaders: true,
    });
    const produceMs = await timed(() =>
      runPipeline(`kcat -P -b ${config.kafka.brokers[0]} -t ${topic} -l ${file}`),
    );
    log(`produced ${EVENTS} records (${(bytes / 2 ** 20).toFixed(0)} MiB) in ${produceMs} ms`);

    const loadBefore = loadavg()[0]!;
    const runs: RunResult[] = [];
    for (let i = 0; i < RUNS; i++) runs.push(await runOnce(config, topic, i));
    return section(runs, bytes, produceMs, [loadBefore, loadavg()[0]!]);
  } finally {
    await admin.deleteTopics({ topics: [topic] }).catch(() => undefined);
    await admin.disconnect();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Writes the Apache log, parsed to canonical rows, as many times as needed for EVENTS lines. */
async function writeEvents(file: string): Promise<number> {
  const parse = createRecordParser(
    { topic: 'bench', format: 'apache', principal: 'ip' },
    { credentialKey: new Secret('bench-key', 'bench') },
  );
  const rows: AccessEventRow[] = [];
  const lines = readFileSync(SOURCE_LOG, 'utf8').split('\n').filter(Boolean);
  for (const [i, line] of lines.entries()) {
    const outcome = parse(Buffer.from(line), { topic: 'bench', partition: 0, offset: String(i) });
    if (outcome.ok) rows.push(toRow(outcome.event));
  }

  const out = createWriteStream(file);
  let bytes = 0;
  for (let n = 0; n < EVENTS; n++) {
    const row = rows[n % rows.length]!;
    const copy = Math.floor(n / rows.length);
    const shifted = {
      ...row,
      id: `${row.id}-${copy}`,
      timestamp: row.timestamp + copy * COPY_SHIFT_MS,
    };
    const line = `${JSON.stringify(shifted)}\n`;
    bytes += Buffer.byteLength(line);
    if (!out.write(line)) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
  return bytes;
}

async function runOnce(config: Config, topic: string, index: number): Promise<RunResult> {
  const eastwatchPerSecond = await measureEastwatch(config, topic, index);
  const nativePerSecond = await measureNative(config, topic, index);
  log(
    `run ${index + 1}: eastwatch ${eastwatchPerSecond.toFixed(0)}/s, native ${nativePerSecond.toFixed(0)}/s`,
  );
  return { eastwatchPerSecond, nativePerSecond };
}

/**
 * Events per second from the first record consumed to the last one acknowledged by ClickHouse,
 * so the consumer group join is not counted.
 */
async function measureEastwatch(base: Config, topic: string, index: number): Promise<number> {
  const config = await freshDatabase(base, `bench_ingest_ew_${index}`);
  const parser = createRecordParser(
    { topic, format: 'json', principal: 'ip', fieldMapping: FIELD_MAPPING },
    { credentialKey: new Secret('bench-key', 'bench') },
  );
  const consumer = new IngestConsumer({
    config: withGroup(config, `bench_ingest_${Date.now().toString(36)}_${index}`),
    parsers: new Map([[topic, parser]]),
  });

  await consumer.start();
  let firstMs: number | undefined;
  for (;;) {
    const consumed = await counterTotal(consumer.metrics.consumed);
    if (consumed > 0) firstMs ??= performance.now();
    if ((await counterTotal(consumer.metrics.inserted)) >= EVENTS) break;
    await sleep(20);
  }
  const elapsedMs = performance.now() - firstMs!;
  await consumer.stop();

  await assertRowCount(config, EVENTS);
  return (EVENTS / elapsedMs) * 1000;
}

/** Events per second of `kcat -C` piped into `clickhouse-client`, from spawn to exit. */
async function measureNative(base: Config, topic: string, index: number): Promise<number> {
  const config = await freshDatabase(base, `bench_ingest_native_${index}`);
  const columns =
    'id, timestamp, principal, credential, source_ip, user_agent, method, host, path, route, status, bytes_in, bytes_out, duration_ms, proxy, topic, partition, offset';
  const consume = `kcat -C -b ${config.kafka.brokers[0]} -t ${topic} -o beginning -e -q -u`;
  const insert = `clickhouse-client --host 127.0.0.1 --port ${config.stack.clickhouseTcpPort} --database ${config.clickhouse.database} --query "INSERT INTO access_events (${columns}) FORMAT JSONEachRow"`;

  const elapsedMs = await timed(() => runPipeline(`${consume} | ${insert}`));
  await assertRowCount(config, EVENTS);
  return (EVENTS / elapsedMs) * 1000;
}

async function freshDatabase(base: Config, name: string): Promise<Config> {
  const database = `${name}_${Date.now().toString(36)}`;
  const config = { ...base, clickhouse: { ...base.clickhouse, database } };
  await migrate(config.clickhouse);
  return config;
}

async function assertRowCount(config: Config, expected: number): Promise<void> {
  const client = createClickHouse(config.clickhouse);
  try {
    const [row] = await queryRows<{ n: string }>(
      client,
      raw('SELECT count() AS n FROM access_events'),
    );
    if (Number(row?.n) !== expected) {
      throw new Error(`${config.clickhouse.database} has ${row?.n} rows, expected ${expected}`);
    }
    await client.command({
      query: sql`DROP DATABASE IF EXISTS ${ident(config.clickhouse.database)}`.text,
    });
  } finally {
    await client.close();
  }
}

function withGroup(config: Config, groupId: string): Config {
  return {
    ...config,
    ingest: { ...config.ingest, consumer: { ...config.ingest.consumer, groupId } },
  };
}

async function counterTotal(metric: {
  get: () => Promise<{ values: { value: number }[] }>;
}): Promise<number> {
  return (await metric.get()).values.reduce((sum, v) => sum + v.value, 0);
}

/** Runs a shell pipeline with `pipefail` and rejects on a non-zero exit. */
function runPipeline(command: string): Promise<void> {
  return new Promise((done, fail) => {
    const child = spawn('bash', ['-o', 'pipefail', '-c', command], {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.once('exit', (code) =>
      code === 0 ? done() : fail(new Error(`${command} failed (${code}): ${stderr}`)),
    );
  });
}

async function timed(action: () => Promise<void>): Promise<number> {
  const started = performance.now();
  await action();
  return Math.round(performance.now() - started);
}

function log(line: string): void {
  process.stderr.write(`benchmark ingest: ${line}\n`);
}

function section(
  runs: RunResult[],
  bytes: number,
  produceMs: number,
  load: [number, number],
): BenchSection {
  const ours = median(runs.map((r) => r.eastwatchPerSecond));
  const native = median(runs.map((r) => r.nativePerSecond));
  const ratios = runs.map((r) => r.eastwatchPerSecond / r.nativePerSecond);
  const rows = runs
    .map(
      (r, i) =>
        `| ${i + 1} | ${fmt(r.eastwatchPerSecond)} | ${fmt(r.nativePerSecond)} | ${ratios[i]!.toFixed(2)} |`,
    )
    .join('\n');

  return {
    name: 'ingest',
    title: 'Ingest throughput, Kafka to ClickHouse',
    markdown: `Command: \`npm run bench -- ingest\` (bench/ingest.ts).

${fmt(EVENTS)} events (${(bytes / 2 ** 20).toFixed(0)} MiB of JSON lines: the 10,000-line Apache log
parsed to canonical rows and repeated with shifted timestamps and ids) on a topic of ${PARTITIONS}
partitions, produced by \`kcat -l\` in ${fmt(produceMs)} ms. Each run reads the whole topic twice, into
a fresh database each time:

- **eastwatch**: \`IngestConsumer\` with the \`json\` format and default consumer settings
  (parsing, principal, fingerprint, route templating, one JSONEachRow insert per chunk, a commit
  per chunk). Timed from the first record consumed to the last row acknowledged, so the group
  join is left out.
- **native**: \`kcat -C -e\` piped into \`clickhouse-client\` inserting the same rows as
  JSONEachRow, timed from start to exit. ClickHouse 18.16's Kafka table engine could not be used:
  its consumer never joined its group on this Kafka 4.1 broker.

| run | eastwatch events/s | native events/s | ratio |
| --- | --- | --- | --- |
${rows}

Median: eastwatch ${fmt(ours)} events/s, native ${fmt(native)} events/s, ratio ${median(ratios).toFixed(2)}
(median of the per-run ratios). One-minute load average of the machine: ${load[0].toFixed(1)} before
the runs, ${load[1].toFixed(1)} after; both paths share the two cores with the broker and the server.`,
  };
}

function fmt(value: number): string {
  return Math.round(value).toLocaleString('en-US');
}
