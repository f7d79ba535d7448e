import { AuthorizationPolicy } from '@kubernetes-models/istio/security.istio.io/v1/AuthorizationPolicy';

/**
 * Checks of exported objects against their consumers' published rules. Istio objects go through
 * the AuthorizationPolicy CRD schema from @kubernetes-models/istio. Both exports also go through
 * field rules written from the Istio and Envoy v3 API references, because the CRD schema accepts
 * unknown keys and any path or matcher text.
 */

// Field rules from the Istio AuthorizationPolicy reference (security.istio.io/v1): the keys of
// Rule, Source and Operation, and the forms a `paths` entry may take.
const RULE_KEYS = ['from', 'to', 'when'];
const SOURCE_KEYS = [
  'principals',
  'notPrincipals',
  'requestPrincipals',
  'notRequestPrincipals',
  'namespaces',
  'notNamespaces',
  'serviceAccounts',
  'notServiceAccounts',
  'ipBlocks',
  'notIpBlocks',
  'remoteIpBlocks',
  'notRemoteIpBlocks',
];
const OPERATION_KEYS = [
  'hosts',
  'notHosts',
  'ports',
  'notPorts',
  'methods',
  'notMethods',
  'paths',
  'notPaths',
];
export const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/** Returns the problems of one Istio `paths` entry: exact, `*` prefix or suffix, or a template. */
export function istioPathProblems(path: string): string[] {
  if (path === '*') return [];
  if (path.includes('{')) {
    const problems: string[] = [];
    const segments = path.split('/');
    if (path.includes('*') && path.replace(/\{\*\*?\}/g, '').includes('*'))
      problems.push(`${path}: * outside a template`);
    for (const segment of segments) {
      if (segment.includes('{') && segment !== '{*}' && segment !== '{**}')
        problems.push(`${path}: bad operator ${segment}`);
    }
    const doubles = segments.filter((s) => s === '{**}').length;
    if (doubles > 1 || (doubles === 1 && segments.at(-1) !== '{**}'))
      problems.push(`${path}: {**} not last`);
    return problems;
  }
  const inner = path.slice(1, -1);
  return inner.includes('*') ? [`${path}: * only allowed at the start or end`] : [];
}

export function unknownKeys(value: object, allowed: string[]): string[] {
  return Object.keys(value).filter((k) => !allowed.includes(k));
}

/** Checks one object against the CRD schema and the reference's field rules. */
export function istioProblems(object: Record<string, unknown>): string[] {
  const problems: string[] = [];
  try {
    new AuthorizationPolicy(object).validate();
  } catch (error) {
    problems.push(`schema: ${(error as Error).message}`);
  }
  const metadata = object['metadata'] as { name: string; namespace: string };
  if (!DNS_SUBDOMAIN.test(metadata.name) || metadata.name.length > 253)
    problems.push(`name ${metadata.name}`);

  const spec = object['spec'] as { rules?: Record<string, unknown>[] };
  for (const rule of spec.rules ?? []) {
    problems.push(...unknownKeys(rule, RULE_KEYS));
    for (const from of (rule['from'] ?? []) as { source: Record<string, string[]> }[]) {
      problems.push(...unknownKeys(from.source, SOURCE_KEYS));
      for (const p of from.source['principals'] ?? [])
        if (p.slice(1, -1).includes('*')) problems.push(`principal ${p}`);
    }
    for (const to of (rule['to'] ?? []) as { operation: Record<string, string[]> }[]) {
      problems.push(...unknownKeys(to.operation, OPERATION_KEYS));
      for (const path of to.operation['paths'] ?? []) problems.push(...istioPathProblems(path));
      for (const method of to.operation['methods'] ?? [])
        if (method !== method.toUpperCase()) problems.push(`method ${method}`);
    }
  }
  return problems;
}

// Field rules from the Envoy v3 API reference: RBAC filter, config.rbac.v3 Policy, Permission,
// Principal, HeaderMatcher, PathMatcher, StringMatcher and RegexMatcher.
const FILTER_KEYS = [
  'rules',
  'rules_stat_prefix',
  'matcher',
  'shadow_rules',
  'shadow_matcher',
  'shadow_rules_stat_prefix',
  'track_per_rule_stats',
];
const PERMISSION_RULES = [
  'and_rules',
  'or_rules',
  'any',
  'header',
  'url_path',
  'destination_ip',
  'destination_port',
  'destination_port_range',
  'metadata',
  'not_rule',
  'requested_server_name',
  'matcher',
  'uri_template',
];
const STRING_MATCH = ['exact', 'prefix', 'suffix', 'safe_regex', 'contains', 'custom'];

export function stringMatcherProblems(m: Record<string, unknown>, at: string): string[] {
  const patterns = Object.keys(m).filter((k) => STRING_MATCH.includes(k));
  const problems = patterns.length === 1 ? [] : [`${at}: need exactly one match pattern`];
  problems.push(...unknownKeys(m, [...STRING_MATCH, 'ignore_case']).map((k) => `${at}: ${k}`));
  const regex = m['safe_regex'] as Record<string, unknown> | undefined;
  if (regex) {
    problems.push(...unknownKeys(regex, ['regex', 'google_re2']).map((k) => `${at}: ${k}`));
    const text = regex['regex'];
    if (typeof text !== 'string' || text.length === 0) problems.push(`${at}: empty regex`);
    else if (/\(\?[=!<]|\\[1-9]/.test(text)) problems.push(`${at}: not RE2 ${text}`);
    else new RegExp(text);
  }
  return problems;
}

export function permissionProblems(p: Record<string, unknown>, at: string): string[] {
  const keys = Object.keys(p);
  if (keys.length !== 1 || !PERMISSION_RULES.includes(keys[0]!))
    return [`${at}: one rule expected, got ${keys.join(',')}`];
  const value = p[keys[0]!] as Record<string, unknown>;
  switch (keys[0]) {
    case 'and_rules':
    case 'or_rules': {
      const rules = value['rules'] as Record<string, unknown>[];
      if (!Array.isArray(rules) || rules.length === 0) return [`${at}: empty set`];
      return rules.flatMap((r, i) => permissionProblems(r, `${at}.rules[${i}]`));
    }
    case 'header': {
      const problems = unknownKeys(value, [
        'name',
        'string_match',
        'invert_match',
        'treat_missing_header_as_empty',
      ]);
      if (typeof value['name'] !== 'string' || !/^:?[a-z0-9-]+$/.test(value['name']))
        problems.push(`${at}: header name`);
      return [
        ...problems,
        ...stringMatcherProblems(value['string_match'] as never, `${at}.string_match`),
      ];
    }
    case 'url_path':
      return [
        ...unknownKeys(value, ['path']),
        ...stringMatcherProblems(value['path'] as never, `${at}.path`),
      ];
    default:
      return [];
  }
}

export function envoyProblems(filter: { name: string; typed_config: object }): string[] {
  const config = filter.typed_config as unknown as Record<string, unknown>;
  const problems = unknownKeys(config, ['@type', ...FILTER_KEYS]);
  if (filter.name !== 'envoy.filters.http.rbac') problems.push(`name ${filter.name}`);
  if (config['@type'] !== 'type.googleapis.com/envoy.extensions.filters.http.rbac.v3.RBAC')
    problems.push('type');
  for (const key of ['rules', 'shadow_rules']) {
    const rules = config[key] as
      | {
          action: string;
          policies: Record<
            string,
            { permissions: never[]; principals: { authenticated: { principal_name: never } }[] }
          >;
        }
      | undefined;
    if (!rules) continue;
    problems.push(...unknownKeys(rules, ['action', 'policies', 'audit_logging_options']));
    if (!['ALLOW', 'DENY', 'LOG'].includes(rules.action)) problems.push(`action ${rules.action}`);
    for (const [name, policy] of Object.entries(rules.policies)) {
      problems.push(
        ...unknownKeys(policy, ['permissions', 'principals', 'condition', 'checked_condition']),
      );
      if (policy.permissions.length === 0 || policy.principals.length === 0)
        problems.push(`${name}: empty`);
      policy.permissions.forEach((p, i) =>
        problems.push(...permissionProblems(p, `${name}.permissions[${i}]`)),
      );
      policy.principals.forEach((p, i) =>
        problems.push(
          ...stringMatcherProblems(p.authenticated.principal_name, `${name}.principals[${i}]`),
        ),
      );
    }
  }
  return problems;
}
