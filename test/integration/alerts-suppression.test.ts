import { spawnSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Alert } from '../../alerts/alert.ts';
import { createAlertPipeline, type AlertPipeline } from '../../alerts/pipeline.ts';
import { setAlertStatus } from '../../alerts/status.ts';
import { listAlerts, readAlert } from '../../alerts/store.ts';
import { parseConfig } from '../../core/config.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/stack.ts';
import { reply, sampleAlert, startReceiver, type Receiver } from './alerts-receiver.ts';

const HOUR_MS = 3_600_000;

function later(alert: Alert, id: string, explanation: string): Alert {
  const finding = { ...alert.findings[0]!, timestampMs: alert.timestamp + 1000, explanation };
  return {
    ...alert,
    id,
    timestamp: alert.timestamp + 60_000,
    severity: 'critical',
    risk: 0.95,
    findings: [finding],
    sourceIps: ['198.51.100.9'],
  };
}

function cli(
  db: TestDatabase,
  args: string[],
): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, ['bin/eastwatch.js', ...args], {
    env: {
      ...process.env,
      EASTWATCH_CLICKHOUSE_DATABASE: db.config.clickhouse.database,
      EASTWATCH_LOG_LEVEL: 'error',
    },
    encoding: 'utf8',
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe('suppression, allowlist and status', () => {
  let db: TestDatabase;
  let receiver: Receiver;
  let pipeline: AlertPipeline;
  const delivered = (): string[] =>
    receiver.requests.map((r) => (JSON.parse(r.body) as { data: Alert }).data.id);

  beforeAll(async () => {
    db = await createTestDatabase('ew_alerts_suppress');
    receiver = await startReceiver((_request, response) => reply(response, 200));
    const now = Date.now();
    const config = parseConfig({
      ...db.config,
      alerts: {
        sinks: [{ type: 'webhook', name: 'soc', url: receiver.url, secrets: [{ env: 'S' }] }],
        suppressionWindowMs: HOUR_MS,
        allowlist: [
          {
            principal: 'backup-*',
            network: '10.0.0.0/8',
            reason: 'nightly backup',
            expiresAt: new Date(now + 24 * HOUR_MS).toISOString(),
          },
          {
            principal: 'old-rule',
            reason: 'migration finished',
            expiresAt: new Date(now - HOUR_MS).toISOString(),
          },
        ],
        revocation: { mode: 'off' },
      },
    });
    const env = { S: `whsec_${Buffer.alloc(32, 3).toString('base64')}` };
    pipeline = createAlertPipeline(config, { clickhouse: db.client, env });
    await pipeline.start();
  });

  afterAll(async () => {
    await pipeline.stop();
    await receiver.close();
    await db.drop();
  });

  it('folds a later alert into the open one', async () => {
    const first = sampleAlert('wiki-bot');
    await pipeline.submit(first);
    await pipeline.submit(later(first, `${first.id}-b`, 'wiki-bot called a second new route'));
    await pipeline.idle();

    expect(delivered()).toEqual([first.id]);
    const stored = await listAlerts(db.client, { limit: 10 });
    expect(stored.map((s) => s.alert.id)).toEqual([first.id]);
    const folded = stored[0]!.alert;
    expect(folded.findings.map((f) => f.explanation)).toEqual([
      first.findings[0]!.explanation,
      'wiki-bot called a second new route',
    ]);
    expect(folded.severity).toBe('critical');
    expect(folded.sourceIps).toEqual(['198.51.100.9', '203.0.113.7']);
  });

  it('stores allowlisted alerts as dismissed', async () => {
    const alert = sampleAlert('backup-job', { sourceIps: ['10.1.2.3', '10.9.9.9'] });
    const outside = sampleAlert('backup-db', { sourceIps: ['10.1.2.3', '192.0.2.1'] });
    const expired = sampleAlert('old-rule');
    await pipeline.submit(alert);
    await pipeline.submit(outside);
    await pipeline.submit(expired);
    await pipeline.idle();

    const stored = await readAlert(db.client, alert.id);
    expect(stored?.status).toBe('dismissed');
    expect(stored?.statusReason).toBe('allowlist: nightly backup');
    expect(delivered()).not.toContain(alert.id);
    expect(delivered()).toContain(outside.id);
    expect(delivered()).toContain(expired.id);
  });

  it('acks and dismisses from the command line', async () => {
    const first = (await listAlerts(db.client, { limit: 50 })).find(
      (s) => s.alert.principal === 'wiki-bot',
    )!.alert;

    const listed = cli(db, ['alerts', 'list', '--status', 'open', '--json']);
    expect(listed.status).toBe(0);
    const ids = listed.stdout
      .trim()
      .split('\n')
      .map((line) => (JSON.parse(line) as { alert: Alert }).alert.id);
    expect(ids).toContain(first.id);

    expect(cli(db, ['alerts', 'ack', first.id]).status).toBe(0);
    expect((await readAlert(db.client, first.id))?.status).toBe('acked');

    const noReason = cli(db, ['alerts', 'dismiss', first.id]);
    expect(noReason.status).not.toBe(0);
    expect(noReason.stderr).toContain('--reason');

    const dismissed = cli(db, ['alerts', 'dismiss', first.id, '--reason', 'load test']);
    expect(dismissed.status).toBe(0);
    const stored = await readAlert(db.client, first.id);
    expect(stored?.status).toBe('dismissed');
    expect(stored?.statusReason).toBe('load test');

    const missing = cli(db, ['alerts', 'ack', 'no-such-alert']);
    expect(missing.status).toBe(1);
    expect(missing.stderr).toContain('alert no-such-alert not found');
  });

  it('does not fold into a dismissed alert', async () => {
    const first = sampleAlert('jira-bot');
    await pipeline.submit(first);
    await setAlertStatus(db.client, first.id, 'dismissed', 'expected migration traffic');
    const fresh = sampleAlert('jira-bot', { id: 'jira-bot-after-dismiss' });
    await pipeline.submit(fresh);
    await pipeline.idle();

    expect(delivered()).toContain(first.id);
    expect(delivered()).toContain(fresh.id);
    expect((await readAlert(db.client, fresh.id))?.status).toBe('open');
    const dismissed = await readAlert(db.client, first.id);
    expect(dismissed?.status).toBe('dismissed');
    expect(dismissed?.alert.findings).toHaveLength(1);
  });
});
