import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { loadOutOfPolicyDetector } from '../../detectors/out-of-policy.ts';
import type { DetectorInput } from '../../detectors/detector.ts';
import { trainConfigSchema } from '../../models/config.ts';
import { runTraining } from '../../models/trainer.ts';
import { policyConfigSchema } from '../../policy/config.ts';
import type { EnvoyRbacFilter } from '../../policy/export/envoy.ts';
import type { OpaData } from '../../policy/export/opa.ts';
import type { PolicyDiff } from '../../policy/diff.ts';
import type { AccessEvent } from '../../schemas/access-event.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/stack.ts';

const run = promisify(execFile);
const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;
// The incident happens in the last day; the ten days before it are the training window.
const NOW_MS = Date.UTC(2026, 10, 20, 12);
const TRAIN_END_MS = NOW_MS - DAY_MS;
const WIKI = 'wiki.corp.example';
const TICKETS = 'tickets.corp.example';
const ATTACKER_IP = '203.0.113.45';

let sequence = 0;
function event(
  principal: string,
  timestamp: number,
  method: string,
  host: string,
  route: string,
  sourceIp = '10.20.4.11',
): AccessEvent {
  sequence++;
  return {
    id: `replay-${sequence}`,
    timestamp,
    principal,
    credential: `cred-${principal}`,
    sourceIp,
    userAgent: sourceIp === ATTACKER_IP ? 'python-requests/2.31.0' : 'chatops-bot/3.2',
    method,
    host,
    path: route.replace('{id}', String(84_000 + (sequence % 40))),
    route,
    status: 200,
    bytesIn: 0,
    bytesOut: 2_000,
    durationMs: 12,
    proxy: 'envoy-json',
    topic: '',
    partition: -1,
    offset: sequence,
  };
}

const CHATBOT_ROUTINE: [string, string, string][] = [
  ['GET', WIKI, '/rest/api/content/search'],
  ['GET', WIKI, '/rest/api/content/{id}'],
  ['GET', TICKETS, '/rest/api/2/issue/{id}'],
  ['POST', TICKETS, '/rest/api/2/issue/{id}/comment'],
];
const REPORTING_ROUTINE: [string, string, string][] = [['GET', TICKETS, '/rest/api/2/search']];

/** Working hours of `days` days before `endMs`, each routine call once per hour. */
function routine(
  principal: string,
  calls: [string, string, string][],
  endMs: number,
  days: number,
) {
  const events: AccessEvent[] = [];
  for (let day = days; day >= 1; day--) {
    for (let hour = 9; hour < 18; hour++) {
      const hourMs = endMs - day * DAY_MS + hour * HOUR_MS;
      calls.forEach(([m, h, r], i) => events.push(event(principal, hourMs + i * 60_000, m, h, r)));
    }
  }
  return events;
}

/** The attack with the chat-bot's token: probes, writes, and paging through tickets. */
const MALICIOUS: {
  method: string;
  host: string;
  route: string;
  reason: string;
  group: string;
  privilege: string;
}[] = [
  {
    method: 'GET',
    host: TICKETS,
    route: '/rest/api/2/myself',
    reason: 'new group',
    group: `${TICKETS}/rest/api/2/myself`,
    privilege: 'read',
  },
  {
    method: 'GET',
    host: TICKETS,
    route: '/rest/api/2/serverInfo',
    reason: 'new group',
    group: `${TICKETS}/rest/api/2/serverInfo`,
    privilege: 'read',
  },
  {
    method: 'GET',
    host: WIKI,
    route: '/rest/api/space',
    reason: 'new group',
    group: `${WIKI}/rest/api/space`,
    privilege: 'read',
  },
  {
    method: 'GET',
    host: TICKETS,
    route: '/rest/api/2/user/search',
    reason: 'new group',
    group: `${TICKETS}/rest/api/2/user`,
    privilege: 'read',
  },
  {
    method: 'GET',
    host: WIKI,
    route: '/rest/api/content',
    reason: 'new route',
    group: `${WIKI}/rest/api/content`,
    privilege: 'read',
  },
  {
    method: 'PUT',
    host: WIKI,
    route: '/rest/api/content/{id}',
    reason: 'new privilege',
    group: `${WIKI}/rest/api/content`,
    privilege: 'write',
  },
  {
    method: 'DELETE',
    host: TICKETS,
    route: '/rest/api/2/issue/{id}',
    reason: 'new route',
    group: `${TICKETS}/rest/api/2/issue`,
    privilege: 'write',
  },
  {
    method: 'POST',
    host: TICKETS,
    route: '/rest/api/2/search',
    reason: 'new group',
    group: `${TICKETS}/rest/api/2/search`,
    privilege: 'write',
  },
];

function attack(startMs: number): AccessEvent[] {
  const events = MALICIOUS.map((m, i) =>
    event('svc-chatbot', startMs + i * 20_000, m.method, m.host, m.route, ATTACKER_IP),
  );
  // Paging through tickets uses a route the bot calls every day: the policy allows it, and only
  // the volume and time detectors can tell it apart.
  for (let i = 0; i < 30; i++) {
    events.push(
      event(
        'svc-chatbot',
        startMs + 200_000 + i * 1_000,
        'GET',
        TICKETS,
        '/rest/api/2/issue/{id}',
        ATTACKER_IP,
      ),
    );
  }
  return events;
}

function rowOf(e: AccessEvent): Record<string, unknown> {
  return {
    id: e.id,
    timestamp: e.timestamp,
    principal: e.principal,
    credential: e.credential,
    source_ip: e.sourceIp,
    user_agent: e.userAgent,
    method: e.method,
    host: e.host,
    path: e.path,
    route: e.route,
    status: e.status,
    bytes_in: e.bytesIn,
    bytes_out: e.bytesOut,
    duration_ms: e.durationMs,
    proxy: e.proxy,
    topic: e.topic,
    partition: e.partition,
    offset: e.offset,
  };
}

describe('policy incident replay', () => {
  let db: TestDatabase;
  let dir = '';
  const attackStartMs = NOW_MS - 9 * HOUR_MS;
  const attackEvents = attack(attackStartMs);

  async function cli(...args: string[]): Promise<string> {
    const { stdout } = await run(
      'node',
      ['bin/eastwatch.js', '--config', join(dir, 'config.json'), ...args],
      {
        env: {
          ...process.env,
          EASTWATCH_CLICKHOUSE_DATABASE: db.config.clickhouse.database,
          EASTWATCH_LOG_LEVEL: 'warn',
        },
      },
    );
    return stdout;
  }

  beforeAll(async () => {
    db = await createTestDatabase('ew_policy_replay');
    dir = mkdtempSync(join(tmpdir(), 'eastwatch-policy-'));
    writeFileSync(join(dir, 'config.json'), '{}');

    const training = [
      ...routine('svc-chatbot', CHATBOT_ROUTINE, TRAIN_END_MS, 10),
      ...routine('svc-reporting', REPORTING_ROUTINE, TRAIN_END_MS, 10),
    ];
    const live = [...routine('svc-chatbot', CHATBOT_ROUTINE, NOW_MS, 1), ...attackEvents];
    await db.client.insert({
      table: 'access_events',
      values: [...training, ...live].map(rowOf),
      format: 'JSONEachRow',
    });

    await runTraining(db.client, trainConfigSchema.parse({ windowDays: 10 }), {
      nowMs: TRAIN_END_MS,
    });
  });

  afterAll(async () => {
    if (dir) rmSync(dir, { recursive: true, force: true });
    await db?.drop();
  });

  it('learns, approves and diffs through the CLI', async () => {
    expect(await cli('policy', 'learn', '--note', 'replay')).toMatch(
      /^policy version 1 written as draft: 2 principal\(s\), 0 route\(s\) below 5 call\(s\) left for review$/m,
    );
    expect(await cli('policy', 'approve', '1', '--by', 'reviewer')).toBe(
      'policy version 1 approved by reviewer\n',
    );

    const monitor = parseAllDocuments(
      await cli('policy', 'export', '--format', 'istio', '--mode', 'monitor'),
    );
    expect(monitor).toHaveLength(3);
    for (const doc of monitor) {
      const object = doc.toJSON() as { metadata: { annotations?: unknown } };
      expect(object.metadata.annotations).toEqual({ 'istio.io/dry-run': 'true' });
    }

    const diff = JSON.parse(
      await cli('policy', 'diff', '--window', '24h', '--end', String(NOW_MS), '--json'),
    ) as PolicyDiff;
    for (const m of MALICIOUS) {
      const denied = diff.denied.find(
        (d) => d.method === m.method && d.host === m.host && d.route === m.route,
      );
      expect(denied, `${m.method} ${m.host}${m.route}`).toMatchObject({
        principal: 'svc-chatbot',
        reason: m.reason,
        group: m.group,
        privilege: m.privilege,
        count: 1,
      });
    }
    expect(diff.denied).toHaveLength(MALICIOUS.length);
    expect(diff.summary.deniedCalls).toBe(MALICIOUS.length);
    expect(diff.summary.allowedCalls).toBe(9 * CHATBOT_ROUTINE.length + 30);
    expect(diff.unused.map((u) => `${u.principal} ${u.method} ${u.route}`)).toEqual([
      'svc-reporting GET /rest/api/2/search',
    ]);
  });

  it('names group and privilege in findings', async () => {
    const detector = await loadOutOfPolicyDetector(db.client, policyConfigSchema.parse({}));

    const findings = attackEvents.map((e) => detector.evaluate({ event: e } as DetectorInput));
    const flagged = findings.filter((f) => f !== undefined);
    expect(flagged).toHaveLength(MALICIOUS.length);
    for (const [i, m] of MALICIOUS.entries()) {
      const finding = findings[i]!;
      expect(finding.evidence).toMatchObject({
        group: m.group,
        privilege: m.privilege,
        reason: m.reason,
      });
      expect(finding.explanation).toContain(`API group ${m.group}`);
      expect(finding.explanation).toContain(`(${m.privilege},`);
    }
    const strongest = findings.slice(0, MALICIOUS.length).map((f) => f!.score);
    expect(strongest).toEqual([0.7, 0.7, 0.7, 0.7, 0.4, 0.9, 0.4, 0.9]);
  });

  it('writes OPA and Envoy exports', async () => {
    const out = join(dir, 'opa');
    expect(await cli('policy', 'export', '--format', 'opa', '--out', out)).toBe('');
    const data = JSON.parse(readFileSync(join(out, 'data.json'), 'utf8')) as OpaData;
    expect(Object.keys(data.eastwatch.policy.principals)).toEqual(['svc-chatbot', 'svc-reporting']);
    expect(readFileSync(join(out, 'eastwatch.rego'), 'utf8')).toContain('package eastwatch.authz');

    const filter = JSON.parse(
      await cli(
        'policy',
        'export',
        '--format',
        'envoy',
        '--mode',
        'enforce',
        '--principal',
        'svc-reporting',
      ),
    ) as EnvoyRbacFilter;
    expect(Object.keys(filter.typed_config.rules!.policies)).toEqual(['eastwatch:svc-reporting']);
  });

  it('prints a reviewer summary', async () => {
    const lines = (await cli('policy', 'diff', '--window', '24h', '--end', String(NOW_MS))).split(
      '\n',
    );
    expect(lines[1]).toBe(
      `principals seen: 1; calls allowed: ${9 * CHATBOT_ROUTINE.length + 30}; calls denied: 8 on 8 route(s)`,
    );
    expect(lines).toContain('  denied, new privilege: 1 call(s)');
    expect(lines).toContain('  denied, new group: 5 call(s)');
    expect(lines).toContain('  denied, new route: 2 call(s)');
    expect(lines.filter((l) => l.startsWith('  DENY svc-chatbot '))).toHaveLength(8);
  });

  it('rejects approving a missing version', async () => {
    await expect(cli('policy', 'approve', '9')).rejects.toThrow(/policy version 9 does not exist/);
  });

  it('reads the stored draft back', async () => {
    const output = await cli('policy', 'show', '1');
    expect(output.split('\n')[0]).toMatch(
      /^policy version 1: approved, 2 principal\(s\), min route count 5, approved .* by reviewer$/,
    );
  });
});
