import { describe, expect, it } from 'vitest';
import {
  DEFAULT_OUT_OF_POLICY_THRESHOLDS,
  OutOfPolicyDetector,
} from '../../detectors/out-of-policy.ts';
import type { DetectorInput } from '../../detectors/detector.ts';
import { PolicyIndex } from '../../policy/check.ts';
import { diffPolicy } from '../../policy/diff.ts';
import { learnPolicies } from '../../policy/learn.ts';
import { formatDiff } from '../../policy/report.ts';
import type { TrafficCall } from '../../policy/traffic.ts';
import type { PolicyVersion } from '../../policy/types.ts';
import type { AccessEvent } from '../../schemas/access-event.ts';
import { chatbotBaseline } from './policy-fixtures.ts';

const GROUPING = { prefixSegments: 2 };
const POLICY: PolicyVersion = {
  version: 4,
  status: 'approved',
  createdAtMs: 1,
  approvedAtMs: 2,
  approvedBy: 'reviewer',
  note: '',
  minRouteCount: 5,
  principals: learnPolicies([chatbotBaseline()], { ...GROUPING, minRouteCount: 5 }),
};
const INDEX = new PolicyIndex(POLICY, GROUPING);
const WINDOW = { startMs: 1_000, endMs: 90_000 };

function call(
  principal: string,
  method: string,
  host: string,
  route: string,
  count: number,
): TrafficCall {
  return {
    principal,
    method,
    host,
    route,
    count,
    firstSeenMs: 2_000,
    lastSeenMs: 80_000,
    eventIds: [`${method}${route}`],
  };
}

describe('PolicyIndex.check', () => {
  it.each([
    ['GET', 'tickets.corp', '/issue/{id}', true, undefined],
    ['DELETE', 'tickets.corp', '/issue/{id}', false, 'new route'],
    ['PUT', 'wiki.corp', '/rest/api/content/{id}', false, 'new privilege'],
    ['GET', 'wiki.corp', '/rest/api/space', false, 'new route'],
    ['GET', 'hr.corp', '/employees', false, 'new group'],
    ['GET', 'tickets.corp', '/admin/export', false, 'new group'],
  ])('%s %s%s', (method, host, route, allowed, reason) => {
    const verdict = INDEX.check('svc-chatbot', method, host, route);
    expect(verdict.allowed).toBe(allowed);
    if (!verdict.allowed) expect(verdict.reason).toBe(reason);
  });

  it('marks a review candidate', () => {
    const verdict = INDEX.check('svc-chatbot', 'GET', 'tickets.corp', '/admin/export');
    expect(verdict).toEqual({
      allowed: false,
      reason: 'new group',
      group: 'tickets.corp/admin/export',
      privilege: 'read',
      grantedPrivileges: [],
      reviewCandidate: true,
    });
  });

  it('denies an unknown principal', () => {
    const verdict = INDEX.check('svc-other', 'GET', 'tickets.corp', '/issue/{id}');
    expect(verdict.allowed).toBe(false);
    if (!verdict.allowed) expect(verdict.reason).toBe('principal not in policy');
  });

  it('ignores method and host case', () => {
    expect(INDEX.check('svc-chatbot', 'get', 'Tickets.Corp', '/issue/{id}').allowed).toBe(true);
  });
});

describe('diffPolicy', () => {
  const traffic = [
    call('svc-chatbot', 'GET', 'tickets.corp', '/issue/{id}', 30),
    call('svc-chatbot', 'GET', 'wiki.corp', '/rest/api/content/{id}', 50),
    call('svc-chatbot', 'PUT', 'wiki.corp', '/rest/api/content/{id}', 4),
    call('svc-chatbot', 'GET', 'hr.corp', '/employees', 2),
    call('svc-new', 'GET', 'wiki.corp', '/rest/api/search', 1),
  ];
  const diff = diffPolicy(POLICY, INDEX, traffic, WINDOW);

  it('summarises allowed and denied calls', () => {
    expect(diff.summary).toEqual({
      policyVersion: 4,
      windowStartMs: 1_000,
      windowEndMs: 90_000,
      principalsSeen: 2,
      allowedCalls: 80,
      deniedCalls: 7,
      deniedCallsByReason: {
        'new privilege': 4,
        'new group': 2,
        'new route': 0,
        'principal not in policy': 1,
      },
      deniedEntries: 3,
      unusedEntries: 2,
    });
  });

  it('lists each denied call with group and privilege', () => {
    expect(
      diff.denied.map((d) => [
        d.principal,
        d.method,
        d.route,
        d.privilege,
        d.group,
        d.reason,
        d.count,
      ]),
    ).toEqual([
      [
        'svc-chatbot',
        'PUT',
        '/rest/api/content/{id}',
        'write',
        'wiki.corp/rest/api',
        'new privilege',
        4,
      ],
      ['svc-chatbot', 'GET', '/employees', 'read', 'hr.corp/employees', 'new group', 2],
      [
        'svc-new',
        'GET',
        '/rest/api/search',
        'read',
        'wiki.corp/rest/api',
        'principal not in policy',
        1,
      ],
    ]);
    expect(diff.denied[0]!.grantedPrivileges).toEqual(['read']);
    expect(diff.denied[0]!.eventIds).toEqual(['PUT/rest/api/content/{id}']);
  });

  it('lists unused entries', () => {
    expect(diff.unused.map((u) => `${u.principal} ${u.method} ${u.route}`)).toEqual([
      'svc-chatbot POST /issue/{id}/comment',
      'svc-chatbot GET /rest/api/search',
    ]);
  });

  it('stays silent for allowed traffic', () => {
    const quiet = diffPolicy(POLICY, INDEX, traffic.slice(0, 2), WINDOW);
    expect(quiet.denied).toEqual([]);
    expect(quiet.summary.deniedCalls).toBe(0);
  });

  it('formats a reviewer summary', () => {
    const lines = formatDiff(diff);
    expect(lines[1]).toBe('principals seen: 2; calls allowed: 80; calls denied: 7 on 3 route(s)');
    expect(lines).toContain('  denied, new privilege: 4 call(s)');
    expect(lines.filter((l) => l.startsWith('  DENY '))).toHaveLength(3);
    expect(lines.filter((l) => l.startsWith('  UNUSED '))).toHaveLength(2);
  });
});

function eventOf(principal: string, method: string, host: string, route: string): AccessEvent {
  return {
    id: `e-${method}-${route}`,
    timestamp: 5_000,
    principal,
    credential: '',
    sourceIp: '203.0.113.9',
    userAgent: 'curl/8',
    method,
    host,
    path: route.replace('{id}', '7'),
    route,
    status: 200,
    bytesIn: 0,
    bytesOut: 10,
    durationMs: 1,
    proxy: 'test',
    topic: '',
    partition: -1,
    offset: 0,
  };
}

function inputOf(event: AccessEvent): DetectorInput {
  return { event } as DetectorInput;
}

describe('OutOfPolicyDetector', () => {
  const detector = new OutOfPolicyDetector(INDEX);

  it('names group and privilege of a write', () => {
    const finding = detector.evaluate(
      inputOf(eventOf('svc-chatbot', 'PUT', 'wiki.corp', '/rest/api/content/{id}')),
    );
    expect(finding).toEqual({
      detector: 'out-of-policy',
      score: 0.9,
      timestampMs: 5_000,
      explanation:
        'svc-chatbot called PUT /rest/api/content/{id} (write, API group wiki.corp/rest/api), but approved policy version 4 grants it read on that group (new privilege).',
      evidence: {
        policyVersion: 4,
        reason: 'new privilege',
        group: 'wiki.corp/rest/api',
        privilege: 'write',
        grantedPrivileges: ['read'],
        method: 'PUT',
        host: 'wiki.corp',
        route: '/rest/api/content/{id}',
        reviewCandidate: false,
      },
      eventIds: ['e-PUT-/rest/api/content/{id}'],
    });
  });

  it.each([
    ['POST', 'hr.corp', '/employees', DEFAULT_OUT_OF_POLICY_THRESHOLDS.newGroupWriteScore],
    ['GET', 'hr.corp', '/employees', DEFAULT_OUT_OF_POLICY_THRESHOLDS.newGroupReadScore],
    ['DELETE', 'tickets.corp', '/issue/{id}', DEFAULT_OUT_OF_POLICY_THRESHOLDS.newRouteScore],
  ])('scores %s %s%s', (method, host, route, score) => {
    expect(detector.evaluate(inputOf(eventOf('svc-chatbot', method, host, route)))?.score).toBe(
      score,
    );
  });

  it('scores an unknown principal lowest', () => {
    const finding = detector.evaluate(
      inputOf(eventOf('svc-new', 'GET', 'wiki.corp', '/rest/api/search')),
    );
    expect(finding?.score).toBe(0.3);
    expect(finding?.explanation).toBe(
      'svc-new has no entry in approved policy version 4, so deny-by-default would block GET /rest/api/search (read, API group wiki.corp/rest/api).',
    );
  });

  it('stays silent for an allowed call', () => {
    expect(
      detector.evaluate(inputOf(eventOf('svc-chatbot', 'GET', 'tickets.corp', '/issue/{id}'))),
    ).toBeUndefined();
  });

  it('stays silent without an approved policy', () => {
    const idle = new OutOfPolicyDetector(undefined);
    expect(idle.evaluate(inputOf(eventOf('svc-chatbot', 'PUT', 'hr.corp', '/x')))).toBeUndefined();
  });

  it('stays silent without a principal', () => {
    expect(detector.evaluate(inputOf(eventOf('', 'PUT', 'hr.corp', '/x')))).toBeUndefined();
  });
});
