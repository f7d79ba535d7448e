import { describe, expect, it } from 'vitest';
import { groupOf, routePrefix } from '../../policy/groups.ts';
import { learnPolicies, learnPrincipalPolicy } from '../../policy/learn.ts';
import { privilegeOf } from '../../policy/privilege.ts';
import { baselineWith, chatbotBaseline, seen } from './policy-fixtures.ts';

const OPTIONS = { prefixSegments: 2, minRouteCount: 5 };
const T0 = Date.UTC(2026, 0, 5);
const minute = (n: number) => T0 + n * 60_000;

describe('privilegeOf', () => {
  it.each([
    ['GET', 'read'],
    ['head', 'read'],
    ['OPTIONS', 'read'],
    ['POST', 'write'],
    ['PUT', 'write'],
    ['PATCH', 'write'],
    ['DELETE', 'write'],
    ['TRACE', 'write'],
    ['ListBuckets', 'write'],
  ])('%s is %s', (method, privilege) => {
    expect(privilegeOf(method)).toBe(privilege);
  });
});

describe('routePrefix', () => {
  it.each([
    ['/rest/api/content/{id}', 2, '/rest/api'],
    ['/rest/api/content/{id}', 1, '/rest'],
    ['/issue/{id}', 2, '/issue'],
    ['/issue/{id}/comment', 2, '/issue'],
    ['/{tenant}/reports', 2, '/'],
    ['/', 2, '/'],
    ['/health', 2, '/health'],
  ])('%s with %i segments is %s', (route, segments, prefix) => {
    expect(routePrefix(route, segments)).toBe(prefix);
  });

  const ROOT = /^(api|rest|v[0-9]+|[0-9]+)$/i;
  it.each([
    ['/rest/api/2/issue/{id}', '/rest/api/2/issue'],
    ['/rest/api/2/search', '/rest/api/2/search'],
    ['/rest/api/content/{id}', '/rest/api/content'],
    ['/api/v1/users/{id}/keys', '/api/v1/users'],
    ['/issue/{id}', '/issue'],
    ['/issue/2/api', '/issue'],
    ['/rest/{id}', '/rest'],
    ['/rest/api', '/rest/api'],
  ])('%s below the API root is %s', (route, prefix) => {
    expect(routePrefix(route, 1, ROOT)).toBe(prefix);
  });
});

describe('groupOf', () => {
  it('joins host and prefix', () => {
    expect(groupOf('GET', 'wiki.corp', '/rest/api/content/{id}', OPTIONS)).toBe(
      'wiki.corp/rest/api',
    );
  });

  it('uses the root group for a leading parameter', () => {
    expect(groupOf('GET', 'tickets.corp', '/{tenant}/x', OPTIONS)).toBe('tickets.corp/');
  });

  it('prefers an OpenAPI tag', () => {
    const tagOf = (method: string, _host: string, route: string) =>
      method === 'GET' && route === '/issue/{id}' ? 'issues' : undefined;
    expect(groupOf('GET', 'tickets.corp', '/issue/{id}', { prefixSegments: 2, tagOf })).toBe(
      'tickets.corp#issues',
    );
    expect(groupOf('POST', 'tickets.corp', '/issue/{id}', { prefixSegments: 2, tagOf })).toBe(
      'tickets.corp/issue',
    );
  });
});

describe('learnPrincipalPolicy', () => {
  it('produces the exact policy of a fixed baseline', () => {
    expect(learnPrincipalPolicy(chatbotBaseline(), OPTIONS)).toEqual({
      principal: 'svc-chatbot',
      baselineVersion: 7,
      groups: [
        {
          group: 'tickets.corp/issue',
          host: 'tickets.corp',
          privileges: ['read', 'write'],
          routeCount: 2,
          callCount: 72,
        },
        {
          group: 'wiki.corp/rest/api',
          host: 'wiki.corp',
          privileges: ['read'],
          routeCount: 2,
          callCount: 160,
        },
      ],
      routes: [
        {
          method: 'GET',
          host: 'tickets.corp',
          route: '/issue/{id}',
          privilege: 'read',
          group: 'tickets.corp/issue',
          count: 60,
          firstSeenMs: minute(1),
          lastSeenMs: minute(60),
        },
        {
          method: 'POST',
          host: 'tickets.corp',
          route: '/issue/{id}/comment',
          privilege: 'write',
          group: 'tickets.corp/issue',
          count: 12,
          firstSeenMs: minute(1),
          lastSeenMs: minute(12),
        },
        {
          method: 'GET',
          host: 'wiki.corp',
          route: '/rest/api/content/{id}',
          privilege: 'read',
          group: 'wiki.corp/rest/api',
          count: 120,
          firstSeenMs: minute(1),
          lastSeenMs: minute(120),
        },
        {
          method: 'GET',
          host: 'wiki.corp',
          route: '/rest/api/search',
          privilege: 'read',
          group: 'wiki.corp/rest/api',
          count: 40,
          firstSeenMs: minute(1),
          lastSeenMs: minute(40),
        },
      ],
      reviewCandidates: [
        {
          method: 'GET',
          host: 'tickets.corp',
          route: '/admin/export',
          privilege: 'read',
          group: 'tickets.corp/admin/export',
          count: 2,
          firstSeenMs: minute(1),
          lastSeenMs: minute(2),
        },
      ],
    });
  });

  it('keeps a route at exactly the minimum', () => {
    const policy = learnPrincipalPolicy(
      baselineWith('svc-a', [seen('GET', 'h', '/a', 5), seen('GET', 'h', '/b', 4)]),
      OPTIONS,
    );
    expect(policy.routes.map((r) => r.route)).toEqual(['/a']);
    expect(policy.reviewCandidates.map((r) => r.route)).toEqual(['/b']);
  });

  it('merges method and host spellings', () => {
    const policy = learnPrincipalPolicy(
      baselineWith('svc-a', [seen('get', 'H.Corp', '/a', 3), seen('GET', 'h.corp', '/a', 4)]),
      OPTIONS,
    );
    expect(policy.routes).toHaveLength(1);
    expect(policy.routes[0]).toMatchObject({ method: 'GET', host: 'h.corp', count: 7 });
    expect(policy.reviewCandidates).toEqual([]);
  });

  it('grants nothing without routes', () => {
    const policy = learnPrincipalPolicy(baselineWith('svc-idle', []), OPTIONS);
    expect(policy.groups).toEqual([]);
    expect(policy.routes).toEqual([]);
    expect(policy.reviewCandidates).toEqual([]);
  });
});

describe('learnPolicies', () => {
  it('sorts principals', () => {
    const policies = learnPolicies(
      [baselineWith('svc-b', []), baselineWith('svc-a', []), baselineWith('svc-c', [])],
      OPTIONS,
    );
    expect(policies.map((p) => p.principal)).toEqual(['svc-a', 'svc-b', 'svc-c']);
  });
});
