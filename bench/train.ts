import {
  createClickHouse,
  execute,
  queryRows,
  type ClickHouseClient,
} from '../clickhouse/client.ts';
import { migrate } from '../clickhouse/migrate.ts';
import { ident, sql } from '../clickhouse/sql.ts';
import { loadConfig } from '../core/config.ts';
import { trainConfigSchema } from '../models/config.ts';
import { runTraining } from '../models/trainer.ts';
import { loadavg } from 'node:os';
import { median, type BenchSection } from './page.ts';

/**
 * Training time and memory for 10,000 principals, at 1,000,000 and 10,000,000 events generated
 * inside ClickHouse with INSERT ... SELECT FROM numbers(N) over a 30-day window. Each size is
 * trained three times unless `EASTWATCH_BENCH_TRAIN_RUNS` sets another count; the table quotes medians. Memory is the trainer's RSS high-water mark
 * (`process.resourceUsage().maxRSS`, which only grows, so sizes run smallest first) and the
 * largest `peak_memory_usage` of the run's queries in ClickHouse's system.processes, sampled
 * every 100 ms because system.query_log is off on the local server.
 */
const PRINCIPALS = 10_000;
const SIZES = [1_000_000, 10_000_000];
/** Runs per size; `EASTWATCH_BENCH_TRAIN_RUNS` overrides it, for example `1,3` or `3`. */
function runsFor(sizeIndex: number): number {
  const setting = (process.env['EASTWATCH_BENCH_TRAIN_RUNS'] ?? '3').split(',');
  const runs = Number(setting[sizeIndex] ?? setting.at(-1));
  return Number.isInteger(runs) && runs > 0 ? runs : 3;
}
const DAY_MS = 86_400_000;
const WINDOW_DAYS = 30;
/** Events per generating INSERT, so no single statement runs for minutes. */
const INSERT_CHUNK_EVENTS = 1_000_000;
/** Generating and merging 10,000,000 events takes minutes on a busy two-core machine. */
const REQUEST_TIMEOUT_MS = 900_000;

interface Measurement {
  events: number;
  seconds: number[];
  rssMiB: number;
  clickhouseMiB: number;
  principals: number;
}

function generateEvents(offset: number, events: number, startMs: number): ReturnType<typeof sql> {
  const windowMs = WINDOW_DAYS * DAY_MS;
  return sql`INSERT INTO access_events (id, \`timestamp\`, principal, credential, source_ip,
      user_agent, method, host, path, route, status, bytes_in, bytes_out, duration_ms, proxy,
      topic, \`partition\`, \`offset\`)
    SELECT toString(number), ${startMs} + intHash64(number) % ${windowMs},
      concat('svc-', toString(number % ${PRINCIPALS})), concat('cred-', toString(number % ${PRINCIPALS})),
      concat('10.', toString(number % 250), '.', toString(intHash32(number) % 4), '.', toString(intHash32(number + 1) % 20)),
      concat('client/', toString(number % 7)), if(intHash32(number + 2) % 7 = 0, 'POST', 'GET'),
      concat('host', toString(number % 20), '.corp'), concat('/api/item/', toString(intHash32(number + 3) % 500)),
      if(intHash32(number + 3) % 5 = 0, '/api/search', '/api/item/{id}'),
      multiIf(intHash32(number + 4) % 100 < 3, 404, intHash32(number + 4) % 100 < 4, 500, 200),
      0, intHash32(number + 5) % 20000, 1.5, 'bench', '', -1, number
    FROM (SELECT number + ${offset} AS number FROM numbers(${events}))`;
}

/** Samples the largest peak memory of running queries whose text contains `marker`. */
function sampleClickHouseMemory(client: ClickHouseClient, marker: string) {
  let peak = 0;
  let running = true;
  const loop = (async () => {
    while (running) {
      const rows = await queryRows<{ peak: string }>(
        client,
        sql`SELECT max(peak_memory_usage) AS peak FROM system.processes
          WHERE query LIKE ${`%${marker}%`} AND query NOT LIKE '%system.processes%'`,
      );
      peak = Math.max(peak, Number(rows[0]?.peak ?? 0));
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  })();
  return {
    stop: async () => {
      running = false;
      await loop;
      return peak;
    },
  };
}

async function measure(events: number, runs: number): Promise<Measurement> {
  const database = `ew_bench_train_${events}_${Date.now().toString(36)}`;
  const config = loadConfig({
    overrides: { clickhouse: { database, requestTimeoutMs: REQUEST_TIMEOUT_MS } },
  });
  await migrate(config.clickhouse);
  const client = createClickHouse(config.clickhouse);
  const monitor = createClickHouse(config.clickhouse);
  const nowMs = Date.UTC(2026, 2, 31);
  const train = trainConfigSchema.parse({ windowDays: WINDOW_DAYS });

  try {
    for (let offset = 0; offset < events; offset += INSERT_CHUNK_EVENTS) {
      const chunk = Math.min(INSERT_CHUNK_EVENTS, events - offset);
      await execute(
        client,
        generateEvents(offset, chunk, nowMs - WINDOW_DAYS * DAY_MS),
        'access_events',
      );
    }
    await execute(client, sql`OPTIMIZE TABLE access_events FINAL`, 'access_events');
    const seconds: number[] = [];
    let clickhouseBytes = 0;
    let principals = 0;
    for (let run = 0; run < runs; run++) {
      const windowStartMs = nowMs - WINDOW_DAYS * DAY_MS;
      const sampler = sampleClickHouseMemory(monitor, `>= ${windowStartMs}`);
      const started = performance.now();
      const result = await runTraining(client, train, { nowMs });
      seconds.push((performance.now() - started) / 1000);
      process.stderr.write(
        `benchmark train: ${events} events, run ${run + 1}: ${seconds.at(-1)!.toFixed(1)} s\n`,
      );
      clickhouseBytes = Math.max(clickhouseBytes, await sampler.stop());
      principals = result.principals;
    }
    return {
      events,
      seconds,
      principals,
      rssMiB: process.resourceUsage().maxRSS / 1024,
      clickhouseMiB: clickhouseBytes / 2 ** 20,
    };
  } finally {
    await execute(client, sql`DROP DATABASE IF EXISTS ${ident(database)}`);
    await client.close();
    await monitor.close();
  }
}

export async function run(): Promise<BenchSection> {
  const results: Measurement[] = [];
  for (const [index, events] of SIZES.entries()) {
    process.stderr.write(`benchmark train: ${events} events\n`);
    const measurement = await measure(events, runsFor(index));
    process.stderr.write(`benchmark train: ${JSON.stringify(measurement)}\n`);
    results.push(measurement);
  }

  const rows = results.map((m) => {
    const seconds = median(m.seconds);
    return (
      `| ${m.events.toLocaleString('en')} | ${m.principals.toLocaleString('en')} | ${seconds.toFixed(1)} ` +
      `| ${m.seconds.map((s) => s.toFixed(1)).join(', ')} | ${Math.round(m.events / seconds).toLocaleString('en')} ` +
      `| ${m.rssMiB.toFixed(0)} | ${m.clickhouseMiB.toFixed(0)} |`
    );
  });
  const small = median(results[0]!.seconds);
  const large = median(results[1]!.seconds);
  const eventRatio = SIZES[1]! / SIZES[0]!;

  return {
    name: 'train',
    title: 'Baseline training',
    markdown: [
      `\`npm run bench -- train\`: ${PRINCIPALS.toLocaleString('en')} principals, events spread at random over a ${WINDOW_DAYS}-day window, generated inside ClickHouse; each run is one full training (claim, aggregate, compute, insert, publish, prune), and the runs column lists every run. Target: under 60 s for 10,000,000 events.`,
      '',
      '| events | principals | median s | runs s | events/s | trainer max RSS MiB | ClickHouse peak query MiB |',
      '| ---: | ---: | ---: | --- | ---: | ---: | ---: |',
      ...rows,
      '',
      `${eventRatio}× the events took ${(large / small).toFixed(2)}× the time (linear growth would be ${eventRatio}×).`,
      `1-minute load average at the end: ${loadavg()[0]!.toFixed(1)} on this machine (other processes may share its cores).`,
      'Trainer RSS is the process high-water mark after all runs of the size, and includes the earlier, smaller size.',
      'ClickHouse memory is the largest `peak_memory_usage` of one training query in `system.processes`, sampled every 100 ms (system.query_log is off on this server), so a shorter peak can be missed.',
    ].join('\n'),
  };
}
