import { randomBytes } from 'node:crypto';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { createClickHouse } from '../clickhouse/client.ts';
import type { Config } from '../core/config.ts';
import { EastwatchError } from '../core/errors.ts';
import { stackDown, stackStatus, stackUp } from '../stack/stack.ts';
import { buildDemoConfig, DEMO_SECRET_ENV, topicOf } from './config.ts';
import {
  CHAT_BOT,
  generateIncident,
  generateRoutineTraffic,
  lastNightAt,
} from './gateway-traffic.ts';
import { runCli, startCli, stopCli } from './processes.ts';
import { produceWithKcat } from './produce.ts';
import { countDeadLetters, removeDemoData } from './cleanup.ts';
import { WebhookReceiver } from './receiver.ts';
import { loadDemoSources } from './sources.ts';
import { printPolicyDiff, printSummary, writeReport } from './output.ts';
import type { PolicyDiff } from '../policy/diff.ts';
import { readDemoFacts } from './summary.ts';

export interface DemoOptions {
  config: Config;
  outDir: string;
  keepStack: boolean;
  /** Days of gateway history before the incident. */
  historyDays: number;
  /** How long to wait for the incident's alert, in milliseconds. */
  alertTimeoutMs: number;
}

export interface DemoResult {
  alerted: boolean;
  reportPath: string;
}

const DAY_MS = 86_400_000;

/**
 * Runs the whole pipeline on real logs: starts the stack, produces the public samples and the
 * gateway's history to Kafka, ingests, trains, starts the scorer, replays the incident, and
 * reports what was caught.
 */
export async function runDemo(options: DemoOptions): Promise<DemoResult> {
  const runId = `${Date.now().toString(36)}${randomBytes(2).toString('hex')}`;
  const prefix = `demo-${runId}`;
  const outDir = resolve(options.outDir);
  const logDir = join(outDir, 'logs');
  mkdirSync(logDir, { recursive: true });
  const say = (line: string): void => void process.stdout.write(`${line}\n`);

  say('1/6 starting the local stack (Kafka on loopback, ClickHouse on loopback)');
  const runningBefore = (await stackStatus(options.config.stack)).some((s) => s.running);
  await stackUp(options.config.stack);

  const webhookSecret = randomWebhookSecret();
  const receiver = await WebhookReceiver.start(webhookSecret);
  const env = demoEnv(webhookSecret);
  try {
    return await runPipeline({ ...options, outDir }, { runId, prefix, logDir, receiver, env, say });
  } finally {
    await receiver.close();
    // Only a stack this run started is stopped; one that was already up stays up.
    if (!options.keepStack && !runningBefore) {
      say('stopping the local stack (use --keep-stack to leave it running)');
      await stackDown(options.config.stack);
    }
  }
}

interface RunContext {
  runId: string;
  prefix: string;
  logDir: string;
  receiver: WebhookReceiver;
  env: NodeJS.ProcessEnv;
  say: (line: string) => void;
}

async function runPipeline(options: DemoOptions, ctx: RunContext): Promise<DemoResult> {
  const { prefix, logDir, receiver, env, say } = ctx;
  const database = `eastwatch_demo_${ctx.runId}`;
  const nowMs = Date.now();
  const incidentStartMs = lastNightAt(nowMs, CHAT_BOT.timeZone);
  const sources = loadDemoSources(incidentStartMs);

  const configFile = join(options.outDir, 'eastwatch.config.json');
  const demoConfig = buildDemoConfig({
    base: options.config,
    topicPrefix: prefix,
    database,
    sources,
    receiverUrl: receiver.url,
  });
  writeFileSync(configFile, `${JSON.stringify(demoConfig, null, 2)}\n`);
  env['EASTWATCH_CONFIG'] = configFile;
  await runCli('migrate', ['migrate'], env, logDir, 60_000);

  say('2/6 producing the public sample logs and the gateway history to Kafka with kcat');
  const broker = options.config.kafka.brokers[0]!;
  // Each run's input files replace the last run's, so the folder does not grow.
  const inputDir = join(options.outDir, 'input');
  rmSync(inputDir, { recursive: true, force: true });
  for (const source of sources) {
    await produceWithKcat(broker, topicOf(prefix, source.name), source.lines, inputDir);
    say(`    ${topicOf(prefix, source.name)}: ${source.lines.length} lines (${source.format})`);
  }
  const signingKey = randomBytes(16).toString('hex');
  const history = generateRoutineTraffic(
    incidentStartMs - options.historyDays * DAY_MS,
    incidentStartMs,
    signingKey,
  );
  const gateway = topicOf(prefix, 'gateway');
  await produceWithKcat(
    broker,
    gateway,
    history.map((l) => l.line),
    inputDir,
    history.map((l) => l.principal),
  );
  say(
    `    ${gateway}: ${history.length} lines (envoy-json, ${options.historyDays} days of service accounts)`,
  );

  say('3/6 ingesting into ClickHouse, training baselines, starting the scorer');
  await runCli('ingest', ['ingest', '--exit-when-idle', '5'], env, logDir, 600_000);
  await runCli('train', ['train', '--window', '30d'], env, logDir, 600_000);
  const policyVersion = await learnAndApprovePolicy(env, logDir);
  say(
    `    least-privilege policy version ${policyVersion} learned from the baselines and approved`,
  );
  const scorer = startCli('score', ['score', '--topic', gateway, '--from-beginning'], env, logDir);

  say(
    `4/6 replaying the incident: ${CHAT_BOT.principal}'s token from a new network at ${new Date(incidentStartMs).toISOString()}`,
  );
  const incident = generateIncident(incidentStartMs, signingKey);
  await produceWithKcat(
    broker,
    gateway,
    incident.map((l) => l.line),
    inputDir,
    incident.map((l) => l.principal),
  );
  // The incident's events must reach ClickHouse too, for the timeline and the policy diff.
  const ingestIncident = startCli(
    'ingest-incident',
    [
      'ingest',
      '--topic',
      gateway,
      '--format',
      'envoy-json',
      '--principal',
      'jwt:sub',
      '--exit-when-idle',
      '5',
    ],
    env,
    logDir,
  );

  say(
    '5/6 waiting for the alert at the webhook receiver (signed, verified) and the revocation decision',
  );
  const alerted = await waitForAlert(receiver, CHAT_BOT.principal, options.alertTimeoutMs);
  // Let the scorer fold the rest of the incident into its alert before it stops.
  await sleep(3000);
  await stopCli(scorer);
  await ingestIncident.exited;

  const diff = await runCli(
    'policy-diff',
    ['policy', 'diff', '--window', '2h', '--end', String(incidentStartMs + 3_600_000), '--json'],
    env,
    logDir,
    120_000,
  );

  say('6/6 summary');
  const topics = [...sources.map((s) => topicOf(prefix, s.name)), gateway];
  const deadLetters = await countDeadLetters(options.config, topics, '.dlq');
  const client = createClickHouse({ ...options.config.clickhouse, database });
  try {
    const facts = await readDemoFacts(client);
    printSummary(say, facts, receiver, CHAT_BOT.principal, deadLetters);
    printPolicyDiff(say, JSON.parse(diff) as PolicyDiff, CHAT_BOT.principal);
    const reportPath = await writeReport(client, facts, options.outDir, CHAT_BOT.principal, nowMs);
    say(`report written to ${reportPath}`);
    if (!alerted) {
      throw new EastwatchError(
        'DEMO_NOT_ALERTED',
        `no high or critical alert for ${CHAT_BOT.principal} reached the receiver within ${options.alertTimeoutMs} ms; see ${logDir}`,
      );
    }
    return { alerted, reportPath };
  } finally {
    await client.close();
    if (options.keepStack) {
      say(
        `data kept: database ${database}, topics ${prefix}.*; run with EASTWATCH_CONFIG=${configFile} to explore`,
      );
    } else {
      await removeDemoData(options.config, database, prefix);
    }
  }
}

/** Learns a policy from the new baselines and approves it, as a reviewer would after reading it. */
async function learnAndApprovePolicy(env: NodeJS.ProcessEnv, logDir: string): Promise<number> {
  const learned = await runCli('policy-learn', ['policy', 'learn'], env, logDir, 120_000);
  const version = /policy version (\d+)/.exec(learned)?.[1];
  if (version === undefined) {
    throw new EastwatchError(
      'DEMO_STEP_FAILED',
      `policy learn printed no version: ${learned.trim()}`,
    );
  }
  await runCli('policy-approve', ['policy', 'approve', version], env, logDir, 60_000);
  return Number(version);
}

function randomWebhookSecret(): string {
  return `whsec_${randomBytes(24).toString('base64')}`;
}

function demoEnv(webhookSecret: string): NodeJS.ProcessEnv {
  return {
    ...process.env,
    [DEMO_SECRET_ENV.credentialKey]: randomBytes(32).toString('hex'),
    [DEMO_SECRET_ENV.webhookSecret]: webhookSecret,
    EASTWATCH_LOG_LEVEL: process.env['EASTWATCH_LOG_LEVEL'] ?? 'info',
  };
}

async function waitForAlert(
  receiver: WebhookReceiver,
  principal: string,
  timeoutMs: number,
): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const hit = receiver.received.some(
      (r) =>
        r.alert.principal === principal &&
        (r.alert.severity === 'high' || r.alert.severity === 'critical'),
    );
    if (hit) return true;
    await sleep(500);
  }
  return false;
}
