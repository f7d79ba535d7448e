import type { PrincipalBaseline, RouteSeen } from '../models/baseline.ts';
import { groupOf, type GroupingOptions } from './groups.ts';
import { privilegeOf, sortPrivileges } from './privilege.ts';
import type { GroupGrant, PolicyRoute, PrincipalPolicy } from './types.ts';

export interface LearnOptions extends GroupingOptions {
  /** Calls a route needs to enter the policy; rarer routes become review candidates. */
  minRouteCount: number;
}

/** Orders strings by UTF-16 code units, the same on every machine (unlike `localeCompare`). */
function compareText(a: string, b: string): number {
  if (a < b) return -1;
  if (a > b) return 1;
  return 0;
}

/** Orders routes by host, route, then method, so that a policy reads and diffs the same way. */
export function compareRoutes(a: PolicyRoute, b: PolicyRoute): number {
  return (
    compareText(a.host, b.host) || compareText(a.route, b.route) || compareText(a.method, b.method)
  );
}

/** Merges baseline entries that name the same call, for example `get` and `GET`. */
function mergeRoutes(seen: readonly RouteSeen[], options: LearnOptions): PolicyRoute[] {
  const merged = new Map<string, PolicyRoute>();

  for (const entry of seen) {
    const method = entry.method.toUpperCase();
    const host = entry.host.toLowerCase();
    const key = `${method} ${host} ${entry.route}`;
    const existing = merged.get(key);
    if (existing) {
      existing.count += entry.count;
      existing.firstSeenMs = Math.min(existing.firstSeenMs, entry.firstSeenMs);
      existing.lastSeenMs = Math.max(existing.lastSeenMs, entry.lastSeenMs);
      continue;
    }
    merged.set(key, {
      method,
      host,
      route: entry.route,
      privilege: privilegeOf(method),
      group: groupOf(method, host, entry.route, options),
      count: entry.count,
      firstSeenMs: entry.firstSeenMs,
      lastSeenMs: entry.lastSeenMs,
    });
  }
  return [...merged.values()].sort(compareRoutes);
}

/** Sums the allowed routes into one grant per API group, sorted by group id. */
export function grantsOf(routes: readonly PolicyRoute[]): GroupGrant[] {
  const byGroup = new Map<string, { host: string; routes: PolicyRoute[] }>();
  for (const route of routes) {
    const entry = byGroup.get(route.group) ?? { host: route.host, routes: [] };
    entry.routes.push(route);
    byGroup.set(route.group, entry);
  }

  return [...byGroup.entries()]
    .sort(([a], [b]) => compareText(a, b))
    .map(([group, { host, routes: members }]) => ({
      group,
      host,
      privileges: sortPrivileges(members.map((r) => r.privilege)),
      routeCount: members.length,
      callCount: members.reduce((sum, r) => sum + r.count, 0),
    }));
}

/**
 * Learns the policy of one principal from its baseline: every route seen at least
 * `minRouteCount` times is allowed with the method it was called with, and the rest are listed
 * as review candidates. A pure function of its inputs.
 */
export function learnPrincipalPolicy(
  baseline: PrincipalBaseline,
  options: LearnOptions,
): PrincipalPolicy {
  const routes = mergeRoutes(baseline.routes, options);
  const allowed = routes.filter((r) => r.count >= options.minRouteCount);
  const reviewCandidates = routes.filter((r) => r.count < options.minRouteCount);

  return {
    principal: baseline.principal,
    baselineVersion: baseline.version,
    groups: grantsOf(allowed),
    routes: allowed,
    reviewCandidates,
  };
}

/** Learns the policy of every principal, sorted by principal. */
export function learnPolicies(
  baselines: Iterable<PrincipalBaseline>,
  options: LearnOptions,
): PrincipalPolicy[] {
  return [...baselines]
    .map((baseline) => learnPrincipalPolicy(baseline, options))
    .sort((a, b) => compareText(a.principal, b.principal));
}
