import { readFileSync } from 'node:fs';
import { routeRegex } from '../paths.ts';
import type { Privilege, PrincipalPolicy } from '../types.ts';

/**
 * OPA input data for the Rego policy in `policy/opa/eastwatch.rego`, loaded under
 * `data.eastwatch.policy`. Each route carries `path_regex`, the route's RE2 expression anchored
 * with `^` and `$`, because OPA's `regex.match` accepts a match anywhere in the string.
 */

export const REGO_POLICY_URL = new URL('../opa/eastwatch.rego', import.meta.url);

export interface OpaRoute {
  method: string;
  host: string;
  route: string;
  path_regex: string;
  privilege: Privilege;
  group: string;
}

export interface OpaData {
  eastwatch: {
    policy: {
      version: number;
      principals: Record<string, { routes: OpaRoute[]; groups: Record<string, Privilege[]> }>;
    };
  };
}

/** Reads the Rego policy that evaluates {@link OpaData}. */
export function regoPolicy(): string {
  return readFileSync(REGO_POLICY_URL, 'utf8');
}

/** Builds the OPA data document of a policy version. */
export function opaData(principals: readonly PrincipalPolicy[], version: number): OpaData {
  const byPrincipal: OpaData['eastwatch']['policy']['principals'] = {};

  for (const policy of principals) {
    const routes = policy.routes.map((r) => ({
      method: r.method,
      host: r.host,
      route: r.route,
      path_regex: `^${routeRegex(r.route)}$`,
      privilege: r.privilege,
      group: r.group,
    }));
    const groups = Object.fromEntries(policy.groups.map((g) => [g.group, g.privileges]));
    byPrincipal[policy.principal] = { routes, groups };
  }
  return { eastwatch: { policy: { version, principals: byPrincipal } } };
}
