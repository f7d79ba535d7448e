import { groupOf, type GroupingOptions } from './groups.ts';
import { privilegeOf } from './privilege.ts';
import type { Privilege, PolicyVersion, PrincipalPolicy } from './types.ts';

/**
 * Why the policy denies a call, strongest signal first:
 * - `new privilege`: a write to a group the principal was only granted read on, or the reverse;
 * - `new group`: a call to an API group the principal has no grant on;
 * - `new route`: a route or method not listed, inside a group and privilege already granted;
 * - `principal not in policy`: the principal has no policy, so deny-by-default applies.
 */
export type DenyReason = 'new privilege' | 'new group' | 'new route' | 'principal not in policy';

export const DENY_REASONS: readonly DenyReason[] = [
  'new privilege',
  'new group',
  'new route',
  'principal not in policy',
];

export type CallVerdict =
  | { allowed: true; group: string; privilege: Privilege }
  | {
      allowed: false;
      reason: DenyReason;
      group: string;
      privilege: Privilege;
      /** Privileges the principal has on the call's group; empty for a new group. */
      grantedPrivileges: Privilege[];
      /** True when the call was in the baseline but below the minimum count. */
      reviewCandidate: boolean;
    };

interface IndexedPrincipal {
  /** Group of each allowed call, by call key. */
  routes: Map<string, string>;
  candidates: Set<string>;
  groups: Map<string, Privilege[]>;
}

function callKey(method: string, host: string, route: string): string {
  return `${method.toUpperCase()} ${host.toLowerCase()} ${route}`;
}

function indexPrincipal(policy: PrincipalPolicy): IndexedPrincipal {
  return {
    routes: new Map(policy.routes.map((r) => [callKey(r.method, r.host, r.route), r.group])),
    candidates: new Set(policy.reviewCandidates.map((r) => callKey(r.method, r.host, r.route))),
    groups: new Map(policy.groups.map((g) => [g.group, g.privileges])),
  };
}

function denyReason(inPolicy: boolean, granted: Privilege[], privilege: Privilege): DenyReason {
  if (!inPolicy) return 'principal not in policy';
  if (granted.length === 0) return 'new group';
  if (!granted.includes(privilege)) return 'new privilege';
  return 'new route';
}

/** A policy version indexed for checking calls by map lookups. */
export class PolicyIndex {
  readonly version: number;
  readonly #principals: Map<string, IndexedPrincipal>;
  readonly #grouping: GroupingOptions;

  /** `grouping` must match the options the version was learned with, or groups will differ. */
  constructor(policy: PolicyVersion, grouping: GroupingOptions) {
    this.version = policy.version;
    this.#grouping = grouping;
    this.#principals = new Map(policy.principals.map((p) => [p.principal, indexPrincipal(p)]));
  }

  hasPrincipal(principal: string): boolean {
    return this.#principals.has(principal);
  }

  /** Returns whether the policy allows one call and, when it does not, why. */
  check(principal: string, method: string, host: string, route: string): CallVerdict {
    const privilege = privilegeOf(method);
    const entry = this.#principals.get(principal);
    const key = callKey(method, host, route);

    // An allowed call keeps the group it was learned with, and only a denied call needs the
    // grouping rules, which keeps the common path to two map lookups.
    const learnedGroup = entry?.routes.get(key);
    if (learnedGroup !== undefined) return { allowed: true, group: learnedGroup, privilege };

    const group = groupOf(method.toUpperCase(), host.toLowerCase(), route, this.#grouping);

    const granted = entry?.groups.get(group) ?? [];
    const reviewCandidate = entry?.candidates.has(key) ?? false;
    const reason = denyReason(entry !== undefined, granted, privilege);
    return {
      allowed: false,
      reason,
      group,
      privilege,
      grantedPrivileges: granted,
      reviewCandidate,
    };
  }
}
