import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { loadavg } from 'node:os';
import type { AddressInfo } from 'node:net';
import type { Alert } from '../alerts/alert.ts';
import { createAlertPipeline, messageIdOf } from '../alerts/pipeline.ts';
import { decodeWebhookSecret, signatureHeader } from '../alerts/webhook-signature.ts';
import { createClickHouse, execute } from '../clickhouse/client.ts';
import { migrate } from '../clickhouse/migrate.ts';
import { ident, sql } from '../clickhouse/sql.ts';
import { parseConfig } from '../core/config.ts';
import { median, type BenchSection } from './page.ts';

/**
 * Alert delivery throughput to a Standard Webhooks receiver on 127.0.0.1 that returns 200 at once.
 * The pipeline path stores each alert (an alerts row and an outbox row), POSTs it signed, and
 * records the attempt and the outbox state in ClickHouse. The peer path POSTs the same signed
 * bodies with fetch and stores nothing, so the ratio is the price of at-least-once delivery.
 * Alerts are submitted one after another; each path runs RUNS times and the table quotes medians.
 */
const ALERTS = 200;
const RUNS = 5;

interface Run {
  pipelineSeconds: number;
  submitMs: number[];
  plainSeconds: number;
}

function benchAlert(run: number, index: number): Alert {
  const timestamp = Date.now();
  return {
    id: `bench-${run}-${index}-${timestamp}`,
    timestamp,
    principal: `svc-${index}`,
    credential: `fp-${index}`,
    severity: 'high',
    risk: 0.8,
    windowStartMs: timestamp - 300_000,
    windowEndMs: timestamp,
    baselineVersion: 1,
    findings: [
      {
        detector: 'new-route',
        score: 0.9,
        timestampMs: timestamp,
        explanation: `svc-${index} called a route it never used`,
        evidence: { route: '/rest/api/2/search', host: 'jira.corp' },
        eventIds: ['e1'],
      },
    ],
    sourceIps: ['203.0.113.7'],
  };
}

async function startReceiver(): Promise<{ url: string; server: Server }> {
  const server = createServer((request, response) => {
    request.resume();
    request.on('end', () => response.writeHead(200).end());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server };
}

async function plainPosts(url: string, secret: string, alerts: Alert[]): Promise<number> {
  const key = decodeWebhookSecret(secret);
  const started = performance.now();
  for (const alert of alerts) {
    const body = JSON.stringify({ type: 'alert.created', timestamp: '', data: alert });
    const id = messageIdOf(alert.id);
    const timestamp = Math.floor(Date.now() / 1000);
    const response = await fetch(url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'webhook-id': id,
        'webhook-timestamp': String(timestamp),
        'webhook-signature': signatureHeader([key], id, timestamp, body),
      },
      body,
    });
    await response.arrayBuffer();
  }
  return (performance.now() - started) / 1000;
}

async function pipelineRun(
  config: ReturnType<typeof parseConfig>,
  env: NodeJS.ProcessEnv,
  alerts: Alert[],
): Promise<{ seconds: number; submitMs: number[] }> {
  const pipeline = createAlertPipeline(config, { env });
  await pipeline.start();
  const submitMs: number[] = [];
  const started = performance.now();
  for (const alert of alerts) {
    const before = performance.now();
    await pipeline.submit(alert);
    submitMs.push(performance.now() - before);
  }
  await pipeline.idle();
  const seconds = (performance.now() - started) / 1000;
  await pipeline.stop();
  return { seconds, submitMs };
}

export async function run(): Promise<BenchSection> {
  const database = `ew_bench_alerts_${randomBytes(4).toString('hex')}`;
  const secret = `whsec_${randomBytes(32).toString('base64')}`;
  const env = { BENCH_WEBHOOK_SECRET: secret };
  const receiver = await startReceiver();
  const config = parseConfig({
    clickhouse: { database },
    alerts: {
      sinks: [
        {
          type: 'webhook',
          name: 'bench',
          url: receiver.url,
          secrets: [{ env: 'BENCH_WEBHOOK_SECRET' }],
        },
      ],
      suppressionWindowMs: 0,
      revocation: { mode: 'off' },
    },
  });
  await migrate(config.clickhouse);

  const runs: Run[] = [];
  const loadBefore = loadavg()[0] ?? 0;
  try {
    for (let r = 0; r < RUNS; r++) {
      const alerts = Array.from({ length: ALERTS }, (_, i) => benchAlert(r, i));
      const plainSeconds = await plainPosts(receiver.url, secret, alerts);
      const measured = await pipelineRun(config, env, alerts);
      runs.push({ pipelineSeconds: measured.seconds, submitMs: measured.submitMs, plainSeconds });
    }
  } finally {
    receiver.server.close();
    await dropDatabase(config, database);
  }
  const load = `Load average (1 min) ${loadBefore.toFixed(1)} before and ${(loadavg()[0] ?? 0).toFixed(1)} after the runs.`;
  return { name: 'alerts', title: 'Alert delivery', markdown: `${formatRuns(runs)}\n\n${load}` };
}

/** Drops the benchmark's database. A busy server may time out, and the measurements still stand. */
async function dropDatabase(config: ReturnType<typeof parseConfig>, database: string) {
  const admin = createClickHouse(config.clickhouse, { withoutDatabase: true });
  try {
    await execute(admin, sql`DROP DATABASE IF EXISTS ${ident(database)}`);
  } catch (error) {
    process.stderr.write(`benchmark alerts: dropping ${database} failed: ${String(error)}\n`);
  } finally {
    await admin.close();
  }
}

function formatRuns(runs: Run[]): string {
  const pipelineRate = median(runs.map((r) => ALERTS / r.pipelineSeconds));
  const plainRate = median(runs.map((r) => ALERTS / r.plainSeconds));
  const submitMedian = median(runs.flatMap((r) => r.submitMs));
  const allSubmits = runs.flatMap((r) => r.submitMs).sort((a, b) => a - b);
  const submitP95 = allSubmits[Math.floor(allSubmits.length * 0.95)] ?? 0;
  return [
    `\`npm run bench -- alerts\`: ${ALERTS} alerts submitted one after another to a webhook ` +
      `receiver on 127.0.0.1 that returns 200 at once, ${RUNS} runs, medians. The pipeline ` +
      'stores each alert and its outbox row in ClickHouse before the POST and records the ' +
      'attempt after it; the plain path POSTs the same signed bodies and stores nothing.',
    '',
    '| path | alerts/s | submit() median ms | submit() p95 ms |',
    '| --- | --- | --- | --- |',
    `| pipeline (outbox, attempts, alerts table) | ${pipelineRate.toFixed(0)} | ${submitMedian.toFixed(1)} | ${submitP95.toFixed(1)} |`,
    `| plain signed fetch POST | ${plainRate.toFixed(0)} | - | - |`,
    '',
    `Ratio pipeline / plain: ${(pipelineRate / plainRate).toFixed(2)}.`,
  ].join('\n');
}
