import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { trainConfigSchema } from '../../models/config.ts';
import { rollbackTo } from '../../models/runs.ts';
import { readRuns } from '../../models/runs-table.ts';
import { currentVersion, readCurrentBaselines, readPriors } from '../../models/store.ts';
import { trainFromEvents } from '../../models/train-memory.ts';
import { readExcludedRanges, runTraining } from '../../models/trainer.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/stack.ts';
import { accessEvent, accessEventRow, generateTraffic } from '../unit/models-fixtures.ts';

const DAY_MS = 86_400_000;
const START_MS = Date.UTC(2026, 2, 2);
const NOW_MS = START_MS + 21 * DAY_MS;
const config = trainConfigSchema.parse({
  windowDays: 30,
  minActiveDays: 5,
  minEvents: 50,
  timeZones: { 'svc-00*': 'America/New_York', 'svc-001': 'Europe/Berlin' },
  keepVersions: 5,
});

const traffic = generateTraffic({ principals: 12, days: 20, startMs: START_MS, seed: 7 });
const young = [0, 1, 2].map((i) =>
  accessEvent({ principal: 'svc-new', timestamp: NOW_MS - DAY_MS + i * 60_000, id: `new-${i}` }),
);
const anonymous = accessEvent({ principal: '', timestamp: START_MS + 5_000, id: 'anon' });
const attack = [0, 1, 2, 3].map((i) =>
  accessEvent({
    principal: 'svc-003',
    timestamp: START_MS + 10 * DAY_MS + 3 * 3_600_000 + i * 1000,
    id: `attack-${i}`,
    route: '/admin/export',
    sourceIp: '203.0.113.9',
  }),
);
const events = [...traffic, ...young, anonymous, ...attack];

function alertRow(id: string, status: string, startMs: number, endMs: number) {
  return {
    id,
    timestamp: endMs,
    principal: 'svc-003',
    credential: 'cred-1',
    severity: 'high',
    risk: 0.9,
    window_start_ms: startMs,
    window_end_ms: endMs,
    baseline_version: 0,
    detectors: ['new-route'],
    findings: '[]',
    source_ips: ['203.0.113.9'],
    status,
    status_reason: '',
    updated_at_ms: endMs,
  };
}

describe('training from ClickHouse', () => {
  let db: TestDatabase;
  const attackStartMs = attack[0]!.timestamp;
  const attackEndMs = attack.at(-1)!.timestamp;

  beforeAll(async () => {
    db = await createTestDatabase('ew_train');
    const rows = events.map(accessEventRow);
    // A replayed event: the same principal, timestamp and id stored twice must count once, both
    // within one insert and in a part of its own that no merge has collapsed yet.
    rows.push(accessEventRow(traffic[5]!));
    await db.client.insert({ table: 'access_events', values: rows, format: 'JSONEachRow' });
    const replayed = [accessEventRow(traffic[6]!)];
    await db.client.insert({ table: 'access_events', values: replayed, format: 'JSONEachRow' });
    await db.client.insert({
      table: 'alerts',
      format: 'JSONEachRow',
      values: [
        alertRow('a-open', 'open', attackStartMs, attackEndMs),
        alertRow('a-dismissed', 'open', START_MS, START_MS + DAY_MS),
        {
          ...alertRow('a-dismissed', 'dismissed', START_MS, START_MS + DAY_MS),
          updated_at_ms: NOW_MS,
        },
      ],
    });
  });

  afterAll(async () => {
    await db?.drop();
  });

  it('matches training in memory', async () => {
    const excluded = await readExcludedRanges(db.client, NOW_MS - 30 * DAY_MS, NOW_MS);
    expect([...excluded.entries()]).toEqual([
      ['svc-003', [{ startMs: attackStartMs, endMs: attackEndMs }]],
    ]);

    const run = await runTraining(db.client, config, { nowMs: NOW_MS, batchPrincipals: 5 });
    expect(run.version).toBe(1);
    expect(run.principals).toBe(13);

    const stored = await readCurrentBaselines(db.client);
    const expected = trainFromEvents(events, config, { nowMs: NOW_MS, version: 1, excluded });
    expect([...stored.keys()]).toEqual([...expected.baselines.keys()]);
    for (const [principal, baseline] of expected.baselines) {
      expect(stored.get(principal), principal).toEqual(baseline);
    }
    expect(await readPriors(db.client)).toEqual(expected.priors);
  });

  it('leaves out alerted ranges', async () => {
    const stored = await readCurrentBaselines(db.client, { principals: ['svc-003'] });
    const routes = stored.get('svc-003')!.routes.map((r) => r.route);
    expect(routes).not.toContain('/admin/export');
    expect(stored.get('svc-003')!.sourceIps.map((s) => s.key)).not.toContain('203.0.113.9');
  });

  it('gives new principals the prior', async () => {
    const stored = await readCurrentBaselines(db.client, { principals: ['svc-new'] });
    const baseline = stored.get('svc-new')!;
    expect(baseline.mature).toBe(false);
    expect(baseline.fromPeerPrior).toBe(true);
    expect(baseline.eventCount).toBe(3);
  });

  it('publishes a new version and rolls back', async () => {
    const second = await runTraining(db.client, config, { nowMs: NOW_MS + 3_600_000 });
    expect(second.version).toBe(2);
    expect(await currentVersion(db.client)).toBe(2);
    const newest = await readCurrentBaselines(db.client, { principals: ['svc-000'] });
    expect(newest.get('svc-000')!.version).toBe(2);

    expect(await rollbackTo(db.client, 1)).toEqual([2]);
    expect(await currentVersion(db.client)).toBe(1);
    const restored = await readCurrentBaselines(db.client, { principals: ['svc-000'] });
    expect(restored.get('svc-000')!.version).toBe(1);
    expect(restored.get('svc-000')!.trainedAtMs).toBe(NOW_MS);

    const third = await runTraining(db.client, config, { nowMs: NOW_MS + 7_200_000 });
    expect(third.version).toBe(3);
    expect(await currentVersion(db.client)).toBe(3);
  });

  it('runs overlapping trainings safely', async () => {
    const runs = await Promise.all([
      runTraining(db.client, config, { nowMs: NOW_MS }),
      runTraining(db.client, config, { nowMs: NOW_MS }),
    ]);
    const versions = runs.map((r) => r.version).sort();
    expect(new Set(versions).size).toBe(2);
    const current = await readCurrentBaselines(db.client, { principals: ['svc-000'] });
    expect(current.get('svc-000')!.version).toBe(Math.max(...versions));
  });

  it('keeps the configured number of versions', async () => {
    for (let i = 0; i < 3; i++) await runTraining(db.client, config, { nowMs: NOW_MS });
    const runs = await readRuns(db.client);
    const published = runs.filter((r) => r.state === 'published').map((r) => r.version);
    expect(published).toHaveLength(5);
    const counts = await db.client.query({
      query: 'SELECT DISTINCT version FROM baselines ORDER BY version',
      format: 'JSONEachRow',
    });
    const kept = (await counts.json<{ version: string }>()).map((r) => Number(r.version));
    expect(kept).toEqual([...published].sort((a, b) => a - b));
  });
});
