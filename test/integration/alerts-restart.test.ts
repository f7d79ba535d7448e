import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAlertPipeline, messageIdOf } from '../../alerts/pipeline.ts';
import { verifyWebhook } from '../../alerts/webhook-verify.ts';
import { queryRows } from '../../clickhouse/client.ts';
import { raw } from '../../clickhouse/sql.ts';
import { parseConfig } from '../../core/config.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/stack.ts';
import { reply, sampleAlert, startReceiver, type Receiver } from './alerts-receiver.ts';

const pipelineModule = fileURLToPath(new URL('../../alerts/pipeline.ts', import.meta.url));
const configModule = fileURLToPath(new URL('../../core/config.ts', import.meta.url));

// The child submits one alert and then waits. The test kills it with SIGKILL while the receiver
// keeps the first delivery request open, so the alert is stored but not delivered.
const childScript = `
  const { createAlertPipeline } = await import(${JSON.stringify(pipelineModule)});
  const { parseConfig } = await import(${JSON.stringify(configModule)});
  const pipeline = createAlertPipeline(parseConfig(JSON.parse(process.env.ALERTS_CONFIG)));
  await pipeline.start();
  await pipeline.submit(JSON.parse(process.env.ALERT));
  process.stdout.write('stored\\n');
  setInterval(() => {}, 1000);
`;

describe('alert outbox after SIGKILL', () => {
  const secret = `whsec_${randomBytes(32).toString('base64')}`;
  let db: TestDatabase;
  let receiver: Receiver;
  let hang = true;
  let firstRequest: () => void = () => undefined;
  const firstRequestSeen = new Promise<void>((resolve) => (firstRequest = resolve));
  const processed: string[] = [];

  beforeAll(async () => {
    db = await createTestDatabase('ew_alerts_restart');
    receiver = await startReceiver((request, response) => {
      if (hang) {
        firstRequest();
        return; // held open until the sender dies
      }
      const verified = verifyWebhook(request.headers, request.body, { secrets: [secret] });
      processed.push(verified.messageId);
      reply(response, 200);
    });
  });

  afterAll(async () => {
    await receiver.close();
    await db.drop();
  });

  it('delivers the stored alert after restart', async () => {
    const rawConfig = {
      ...db.config,
      alerts: {
        sinks: [
          {
            type: 'webhook',
            name: 'soc',
            url: receiver.url,
            timeoutMs: 60_000,
            secrets: [{ env: 'WEBHOOK_SECRET' }],
          },
        ],
        revocation: { mode: 'off' },
      },
    };
    const alert = sampleAlert('chat-bot');
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', '--input-type=module', '-e', childScript],
      {
        env: {
          ...process.env,
          ALERTS_CONFIG: JSON.stringify(rawConfig),
          ALERT: JSON.stringify(alert),
          WEBHOOK_SECRET: secret,
          EASTWATCH_LOG_LEVEL: 'debug',
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let childLog = '';
    child.stderr.on('data', (chunk: Buffer) => (childLog += chunk.toString()));
    const exited = new Promise<NodeJS.Signals | null>((resolve) =>
      child.on('exit', (_code, signal) => resolve(signal)),
    );

    await firstRequestSeen;
    child.kill('SIGKILL');
    expect(await exited).toBe('SIGKILL');
    expect(childLog).toContain('alert stored');
    expect(childLog).not.toContain(secret.slice('whsec_'.length));

    const pendingBefore = await queryRows<{ status: string }>(
      db.client,
      raw(`SELECT status FROM alert_outbox FINAL`),
    );
    expect(pendingBefore).toEqual([{ status: 'pending' }]);

    hang = false;
    const config = parseConfig(rawConfig);
    const pipeline = createAlertPipeline(config, {
      clickhouse: db.client,
      env: { WEBHOOK_SECRET: secret },
    });
    await pipeline.start();
    await pipeline.idle();
    await pipeline.stop();

    expect(processed).toEqual([messageIdOf(alert.id)]);
    const after = await queryRows<{ status: string; attempts: number }>(
      db.client,
      raw(`SELECT status, attempts FROM alert_outbox FINAL`),
    );
    expect(after).toEqual([{ status: 'delivered', attempts: 1 }]);
  });
});
