/**
 * The least-privilege policy model: what each principal may call, learned from its baseline.
 * All times are UTC milliseconds since the Unix epoch.
 */

/** What a call does to its target: `read` for GET, HEAD and OPTIONS, `write` for the rest. */
export type Privilege = 'read' | 'write';

/** One method on one route that the policy allows, with the evidence it was learned from. */
export interface PolicyRoute {
  method: string;
  host: string;
  /** Templated route, for example `/issue/{id}`. */
  route: string;
  privilege: Privilege;
  /** Id of the API group the route belongs to. */
  group: string;
  count: number;
  firstSeenMs: number;
  lastSeenMs: number;
}

/** The privileges a principal holds on one API group, summed over the group's routes. */
export interface GroupGrant {
  group: string;
  host: string;
  /** Sorted: `read` before `write`. */
  privileges: Privilege[];
  routeCount: number;
  callCount: number;
}

/** The learned policy of one principal. */
export interface PrincipalPolicy {
  principal: string;
  /** Version of the baseline the policy was learned from. */
  baselineVersion: number;
  groups: GroupGrant[];
  routes: PolicyRoute[];
  /** Routes seen fewer times than the minimum: left out of the policy, listed for a reviewer. */
  reviewCandidates: PolicyRoute[];
}

export type PolicyStatus = 'draft' | 'approved' | 'superseded';

/** One stored version of the policy of every principal. */
export interface PolicyVersion {
  version: number;
  status: PolicyStatus;
  createdAtMs: number;
  /** Zero while the version has never been approved. */
  approvedAtMs: number;
  approvedBy: string;
  note: string;
  /** Minimum number of calls a route needed to enter this version. */
  minRouteCount: number;
  /** Sorted by principal. */
  principals: PrincipalPolicy[];
}
