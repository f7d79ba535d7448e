import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { learnPolicies } from '../../policy/learn.ts';
import {
  approvePolicyVersion,
  listPolicyVersions,
  readApprovedPolicy,
  readPolicyVersion,
  saveDraft,
} from '../../policy/store.ts';
import { readTraffic } from '../../policy/traffic.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/stack.ts';
import { chatbotBaseline } from '../unit/policy-fixtures.ts';

const PRINCIPALS = learnPolicies([chatbotBaseline()], { prefixSegments: 2, minRouteCount: 5 });

describe('policy store', () => {
  let db: TestDatabase;

  beforeAll(async () => {
    db = await createTestDatabase('ew_policy_store');
  });

  afterAll(async () => {
    await db?.drop();
  });

  it('keeps versions and the approval in force', async () => {
    expect(await readApprovedPolicy(db.client)).toBeUndefined();

    const first = await saveDraft(db.client, PRINCIPALS, {
      minRouteCount: 5,
      note: 'first',
      nowMs: 1_000,
    });
    const second = await saveDraft(db.client, PRINCIPALS.slice(0, 0), {
      minRouteCount: 3,
      nowMs: 2_000,
    });
    expect([first.version, second.version]).toEqual([1, 2]);
    expect(await readPolicyVersion(db.client, 1)).toEqual(first);

    await approvePolicyVersion(db.client, 1, { approvedBy: 'alice', nowMs: 3_000 });
    expect((await readApprovedPolicy(db.client))?.principals).toEqual(PRINCIPALS);

    await approvePolicyVersion(db.client, 2, { approvedBy: 'bob', nowMs: 4_000 });
    const approved = await readApprovedPolicy(db.client);
    expect(approved).toMatchObject({
      version: 2,
      status: 'approved',
      approvedBy: 'bob',
      approvedAtMs: 4_000,
    });
    expect(approved?.principals).toEqual([]);

    const listed = await listPolicyVersions(db.client);
    expect(listed.map((v) => [v.version, v.status, v.principalCount, v.note])).toEqual([
      [2, 'approved', 0, ''],
      [1, 'superseded', 1, 'first'],
    ]);
  });

  it('rolls back to a superseded version', async () => {
    await approvePolicyVersion(db.client, 1, { approvedBy: 'carol', nowMs: 5_000 });
    expect((await readApprovedPolicy(db.client))?.version).toBe(1);
    expect((await readPolicyVersion(db.client, 2))?.status).toBe('superseded');
  });

  it('rejects a missing version', async () => {
    await expect(approvePolicyVersion(db.client, 42, { approvedBy: 'x' })).rejects.toMatchObject({
      code: 'POLICY_VERSION_NOT_FOUND',
    });
  });

  it('counts replayed events once', async () => {
    const row = {
      id: 'e1',
      timestamp: 10_000,
      principal: 'svc-a',
      credential: '',
      source_ip: '10.0.0.1',
      user_agent: '',
      method: 'get',
      host: 'Wiki.Corp',
      path: '/x/1',
      route: '/x/{id}',
      status: 200,
      bytes_in: 0,
      bytes_out: 0,
      duration_ms: 1,
      proxy: 'test',
      topic: '',
      partition: -1,
      offset: 1,
    };
    const other = { ...row, id: 'e2', timestamp: 12_000 };
    const outside = { ...row, id: 'e3', timestamp: 20_000 };
    const anonymous = { ...row, id: 'e4', principal: '' };
    await db.client.insert({
      table: 'access_events',
      values: [row, row, other, outside, anonymous],
      format: 'JSONEachRow',
    });

    expect(await readTraffic(db.client, 10_000, 20_000)).toEqual([
      {
        principal: 'svc-a',
        method: 'GET',
        host: 'wiki.corp',
        route: '/x/{id}',
        count: 2,
        firstSeenMs: 10_000,
        lastSeenMs: 12_000,
        eventIds: expect.arrayContaining(['e1', 'e2']) as string[],
      },
    ]);
  });
});
