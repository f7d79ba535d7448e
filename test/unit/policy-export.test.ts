import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { policyConfigSchema } from '../../policy/config.ts';
import { envoyRbacFilter } from '../../policy/export/envoy.ts';
import { exportPolicy } from '../../policy/export/export.ts';
import { istioObjects, policyName, toYamlStream } from '../../policy/export/istio.ts';
import { opaData } from '../../policy/export/opa.ts';
import { learnPolicies } from '../../policy/learn.ts';
import { istioPath, routeRegex } from '../../policy/paths.ts';
import type { PolicyVersion } from '../../policy/types.ts';
import {
  DNS_SUBDOMAIN,
  envoyProblems,
  istioProblems,
  permissionProblems,
  stringMatcherProblems,
} from './policy-checks.ts';
import { baselineWith, chatbotBaseline, seen } from './policy-fixtures.ts';

const CONFIG = policyConfigSchema.parse({});
const PRINCIPALS = learnPolicies(
  [
    chatbotBaseline(),
    baselineWith('cluster.local/ns/ops/sa/Report_Job', [
      seen('GET', 'wiki.corp', '/rest/api/search', 9),
    ]),
  ],
  { prefixSegments: 2, minRouteCount: 5 },
);
const VERSION: PolicyVersion = {
  version: 3,
  status: 'approved',
  createdAtMs: 1,
  approvedAtMs: 2,
  approvedBy: 'reviewer',
  note: '',
  minRouteCount: 5,
  principals: PRINCIPALS,
};

describe('istioPath', () => {
  it.each([
    ['/issue/{id}', 'template', '/issue/{*}'],
    ['/issue/{id}/comment', 'template', '/issue/{*}/comment'],
    ['/files/{name}.png', 'template', '/files/{*}'],
    ['/rest/api/search', 'template', '/rest/api/search'],
    ['/issue/{id}', 'prefix', '/issue/*'],
    ['/issue/{id}/comment', 'prefix', '/issue/*'],
    ['/{tenant}/x', 'prefix', '/*'],
    ['/health', 'prefix', '/health'],
  ] as const)('%s in %s mode is %s', (route, mode, expected) => {
    expect(istioPath(route, mode)).toBe(expected);
  });
});

describe('routeRegex', () => {
  it.each([
    ['/issue/{id}', '/issue/[^/]+'],
    ['/files/{name}.png', '/files/[^/]+\\.png'],
    ['/a+b/(x)', '/a\\+b/\\(x\\)'],
  ])('%s is %s', (route, regex) => {
    expect(routeRegex(route)).toBe(regex);
  });

  it('matches one segment only', () => {
    const re = new RegExp(`^${routeRegex('/issue/{id}')}$`);
    expect(re.test('/issue/42')).toBe(true);
    expect(re.test('/issue/42/comment')).toBe(false);
    expect(re.test('/issue/')).toBe(false);
    expect(re.test('/issueX/42')).toBe(false);
  });
});

describe('policyName', () => {
  it('is a DNS name of at most 63 characters', () => {
    const name = policyName(`cluster.local/ns/ops/sa/${'x'.repeat(80)}`);
    expect(name.length).toBeLessThanOrEqual(63);
    expect(DNS_SUBDOMAIN.test(name)).toBe(true);
  });

  it('keeps principals apart', () => {
    expect(policyName('svc.a')).not.toBe(policyName('svc-a'));
  });
});

describe('istio field rules', () => {
  const base = {
    apiVersion: 'security.istio.io/v1',
    kind: 'AuthorizationPolicy',
    metadata: { name: 'p', namespace: 'default' },
  };
  const withOperation = (operation: object) => ({
    ...base,
    spec: { action: 'ALLOW', rules: [{ to: [{ operation }] }] },
  });

  it.each([
    ['a wildcard inside a path', { paths: ['/a/*/b'] }],
    ['an unknown template operator', { paths: ['/a/{id}'] }],
    ['{**} before the end', { paths: ['/a/{**}/b'] }],
    ['an unknown operation key', { path: ['/a'] }],
    ['a lower-case method', { methods: ['get'] }],
  ])('reject %s', (_case, operation) => {
    expect(istioProblems(withOperation(operation))).not.toEqual([]);
  });

  it('rejects an unknown action', () => {
    expect(istioProblems({ ...base, spec: { action: 'PERMIT' } })).not.toEqual([]);
  });
});

describe('istio export', () => {
  const objects = istioObjects(PRINCIPALS, CONFIG.istio, 'enforce', 3);

  it('passes the CRD schema and field rules', () => {
    for (const object of objects) expect(istioProblems(object as never)).toEqual([]);
  });

  it('allows exactly the learned pairs', () => {
    const chatbot = objects[1]!;
    expect(chatbot.spec.rules).toEqual([
      {
        from: [{ source: { principals: ['svc-chatbot'] } }],
        to: [
          { operation: { hosts: ['tickets.corp'], methods: ['GET'], paths: ['/issue/{*}'] } },
          {
            operation: {
              hosts: ['tickets.corp'],
              methods: ['POST'],
              paths: ['/issue/{*}/comment'],
            },
          },
          {
            operation: { hosts: ['wiki.corp'], methods: ['GET'], paths: ['/rest/api/content/{*}'] },
          },
          { operation: { hosts: ['wiki.corp'], methods: ['GET'], paths: ['/rest/api/search'] } },
        ],
      },
    ]);
  });

  it('ends with the deny-by-default companion', () => {
    const last = objects.at(-1)!;
    expect(last.metadata.name).toBe('eastwatch-deny-by-default');
    expect(last.spec).toEqual({});
    expect(objects).toHaveLength(3);
  });

  it('annotates dry-run in monitor mode', () => {
    const monitor = istioObjects(PRINCIPALS, CONFIG.istio, 'monitor', 3);
    for (const object of monitor) {
      expect(object.metadata.annotations).toEqual({ 'istio.io/dry-run': 'true' });
      expect(istioProblems(object as never)).toEqual([]);
    }
    for (const object of objects) expect(object.metadata.annotations).toBeUndefined();
  });

  it('applies the principal template and selector', () => {
    const config = policyConfigSchema.parse({
      istio: {
        principalTemplate: 'cluster.local/ns/apps/sa/{principal}',
        selector: { app: 'wiki' },
      },
    }).istio;
    const [first] = istioObjects(PRINCIPALS.slice(1), config, 'enforce', 3);
    expect(first!.spec.selector).toEqual({ matchLabels: { app: 'wiki' } });
    expect(first!.spec.rules![0]!.from[0]!.source.principals).toEqual([
      'cluster.local/ns/apps/sa/svc-chatbot',
    ]);
  });

  it('writes prefix paths that pass the field rules', () => {
    const config = policyConfigSchema.parse({ istio: { pathMatch: 'prefix' } }).istio;
    for (const object of istioObjects(PRINCIPALS, config, 'enforce', 3)) {
      expect(istioProblems(object as never)).toEqual([]);
    }
  });

  it('round-trips through YAML', () => {
    const documents = parseAllDocuments(toYamlStream(objects)).map((d) => d.toJSON() as unknown);
    expect(documents).toEqual(JSON.parse(JSON.stringify(objects)));
  });
});

describe('envoy field rules', () => {
  it.each([
    ['two match patterns', { exact: 'a', prefix: 'b' }],
    ['an unknown matcher key', { regex: 'a' }],
    ['a lookahead', { safe_regex: { regex: '(?=a)' } }],
  ])('reject %s', (_case, matcher) => {
    expect(stringMatcherProblems(matcher, 'm')).not.toEqual([]);
  });

  it('rejects an empty permission set', () => {
    expect(permissionProblems({ and_rules: { rules: [] } }, 'p')).not.toEqual([]);
  });
});

describe('envoy export', () => {
  it('passes the field rules in both modes', () => {
    expect(envoyProblems(envoyRbacFilter(PRINCIPALS, CONFIG.envoy, 'enforce'))).toEqual([]);
    expect(envoyProblems(envoyRbacFilter(PRINCIPALS, CONFIG.envoy, 'monitor'))).toEqual([]);
  });

  it('enforces under rules', () => {
    const filter = envoyRbacFilter(PRINCIPALS, CONFIG.envoy, 'enforce');
    expect(filter.typed_config.rules?.action).toBe('ALLOW');
    expect(filter.typed_config.shadow_rules).toBeUndefined();
    expect(Object.keys(filter.typed_config.rules!.policies)).toEqual([
      'eastwatch:cluster.local/ns/ops/sa/Report_Job',
      'eastwatch:svc-chatbot',
    ]);
  });

  it('monitors under shadow_rules only', () => {
    const filter = envoyRbacFilter(PRINCIPALS, CONFIG.envoy, 'monitor');
    expect(filter.typed_config.rules).toBeUndefined();
    expect(filter.typed_config.shadow_rules?.action).toBe('ALLOW');
    expect(filter.typed_config.shadow_rules_stat_prefix).toBe('eastwatch_');
  });

  it('matches host, method and path of each route', () => {
    const policy = envoyRbacFilter(PRINCIPALS, CONFIG.envoy, 'enforce').typed_config.rules!
      .policies['eastwatch:svc-chatbot']!;
    expect(policy.principals).toEqual([
      { authenticated: { principal_name: { exact: 'svc-chatbot' } } },
    ]);
    expect(policy.permissions[1]).toEqual({
      and_rules: {
        rules: [
          {
            header: {
              name: ':authority',
              string_match: { exact: 'tickets.corp', ignore_case: true },
            },
          },
          {
            or_rules: { rules: [{ header: { name: ':method', string_match: { exact: 'POST' } } }] },
          },
          { url_path: { path: { safe_regex: { regex: '/issue/[^/]+/comment' } } } },
        ],
      },
    });
    expect(policy.permissions).toHaveLength(4);
  });
});

describe('opa export', () => {
  it('anchors each route regex', () => {
    const data = opaData(PRINCIPALS, 3);
    const routes = data.eastwatch.policy.principals['svc-chatbot']!.routes;
    expect(routes.map((r) => r.path_regex)).toEqual([
      '^/issue/[^/]+$',
      '^/issue/[^/]+/comment$',
      '^/rest/api/content/[^/]+$',
      '^/rest/api/search$',
    ]);
    expect(data.eastwatch.policy.principals['svc-chatbot']!.groups).toEqual({
      'tickets.corp/issue': ['read', 'write'],
      'wiki.corp/rest/api': ['read'],
    });
  });
});

describe('exportPolicy', () => {
  it('filters one principal', () => {
    const out = exportPolicy(VERSION, CONFIG, {
      format: 'json',
      mode: 'enforce',
      principal: 'svc-chatbot',
    });
    const parsed = JSON.parse(out.text) as PolicyVersion;
    expect(parsed.principals.map((p) => p.principal)).toEqual(['svc-chatbot']);
    expect(parsed.version).toBe(3);
  });

  it('rejects an unknown principal', () => {
    expect(() =>
      exportPolicy(VERSION, CONFIG, { format: 'istio', mode: 'enforce', principal: 'svc-x' }),
    ).toThrow(/principal "svc-x" is not in policy version 3/);
  });

  it('returns the Rego policy with OPA data', () => {
    const out = exportPolicy(VERSION, CONFIG, { format: 'opa', mode: 'enforce' });
    expect(out.rego).toContain('package eastwatch.authz');
    expect(JSON.parse(out.text)).toEqual(opaData(PRINCIPALS, 3));
  });
});

describe('istio wildcard routes', () => {
  const principals = learnPolicies(
    [
      baselineWith('svc-w', [
        seen('OPTIONS', 'h.corp', '*', 9),
        seen('GET', 'h.corp', '/a*b', 9),
        seen('GET', 'h.corp', '/ok', 9),
      ]),
    ],
    { prefixSegments: 1, minRouteCount: 5 },
  );

  it('leaves out routes containing *', () => {
    const [allow] = istioObjects(principals, CONFIG.istio, 'enforce', 1);
    expect(allow!.spec.rules![0]!.to).toEqual([
      { operation: { hosts: ['h.corp'], methods: ['GET'], paths: ['/ok'] } },
    ]);
  });

  it('keeps them escaped for Envoy', () => {
    const policy = envoyRbacFilter(principals, CONFIG.envoy, 'enforce').typed_config.rules!
      .policies['eastwatch:svc-w']!;
    expect(policy.permissions).toHaveLength(3);
    expect(routeRegex('/a*b')).toBe('/a\\*b');
  });
});
