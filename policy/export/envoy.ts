import type { EnvoyExportConfig } from '../config.ts';
import { routeRegex } from '../paths.ts';
import type { PrincipalPolicy } from '../types.ts';
import { formatIdentity, routeMethodsOf, type ExportMode } from './common.ts';

/**
 * Envoy RBAC HTTP filter configuration (`envoy.filters.http.rbac`, type
 * `envoy.extensions.filters.http.rbac.v3.RBAC`). Each principal gets one policy named
 * `eastwatch:PRINCIPAL`, whose principal is the authenticated peer identity. Its permissions are
 * one `and_rules` per host and route: `:authority` equal to the host, `:method` one of the
 * methods seen, and `url_path` matching the route's RE2 expression. `safe_regex` must match the
 * whole path, so no anchors are needed. The ALLOW action denies every request no policy matches.
 *
 * Enforce mode writes the policies under `rules`. Monitor mode writes them under `shadow_rules`
 * only: with `rules` absent the filter enforces nothing, and the shadow result is reported in
 * the filter's statistics under `shadow_rules_stat_prefix` and in its dynamic metadata.
 */

export const ENVOY_RBAC_FILTER = 'envoy.filters.http.rbac';
export const ENVOY_RBAC_TYPE = 'type.googleapis.com/envoy.extensions.filters.http.rbac.v3.RBAC';

export interface EnvoyStringMatcher {
  exact?: string;
  safe_regex?: { regex: string };
  ignore_case?: boolean;
}

export type EnvoyPermission =
  | { and_rules: { rules: EnvoyPermission[] } }
  | { or_rules: { rules: EnvoyPermission[] } }
  | { header: { name: string; string_match: EnvoyStringMatcher } }
  | { url_path: { path: EnvoyStringMatcher } };

export interface EnvoyPolicy {
  permissions: EnvoyPermission[];
  principals: { authenticated: { principal_name: EnvoyStringMatcher } }[];
}

export interface EnvoyRbacRules {
  action: 'ALLOW';
  policies: Record<string, EnvoyPolicy>;
}

export interface EnvoyRbacFilter {
  name: typeof ENVOY_RBAC_FILTER;
  typed_config: {
    '@type': typeof ENVOY_RBAC_TYPE;
    rules?: EnvoyRbacRules;
    shadow_rules?: EnvoyRbacRules;
    shadow_rules_stat_prefix?: string;
  };
}

function headerExact(name: string, value: string, ignoreCase = false): EnvoyPermission {
  const match: EnvoyStringMatcher = ignoreCase
    ? { exact: value, ignore_case: true }
    : { exact: value };
  return { header: { name, string_match: match } };
}

/** Builds the RBAC policy of one principal; undefined when the principal has no allowed route. */
export function envoyPolicyOf(
  policy: PrincipalPolicy,
  config: EnvoyExportConfig,
): EnvoyPolicy | undefined {
  const permissions = routeMethodsOf(policy).map((entry): EnvoyPermission => ({
    and_rules: {
      rules: [
        // Host names are case-insensitive (RFC 9110, section 4.2.3).
        headerExact(':authority', entry.host, true),
        { or_rules: { rules: entry.methods.map((m) => headerExact(':method', m)) } },
        { url_path: { path: { safe_regex: { regex: routeRegex(entry.route) } } } },
      ],
    },
  }));
  if (permissions.length === 0) return undefined;

  const identity = formatIdentity(config.principalTemplate, policy.principal);
  return { permissions, principals: [{ authenticated: { principal_name: { exact: identity } } }] };
}

/** Builds the RBAC filter for every principal of a policy version. */
export function envoyRbacFilter(
  principals: readonly PrincipalPolicy[],
  config: EnvoyExportConfig,
  mode: ExportMode,
): EnvoyRbacFilter {
  const policies: Record<string, EnvoyPolicy> = {};
  for (const principal of principals) {
    const policy = envoyPolicyOf(principal, config);
    if (policy) policies[`eastwatch:${principal.principal}`] = policy;
  }

  const rules: EnvoyRbacRules = { action: 'ALLOW', policies };
  const typedConfig: EnvoyRbacFilter['typed_config'] =
    mode === 'enforce'
      ? { '@type': ENVOY_RBAC_TYPE, rules }
      : {
          '@type': ENVOY_RBAC_TYPE,
          shadow_rules: rules,
          shadow_rules_stat_prefix: config.shadowRulesStatPrefix,
        };
  return { name: ENVOY_RBAC_FILTER, typed_config: typedConfig };
}
