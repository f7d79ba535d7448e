import { DENY_REASONS, type DenyReason, type PolicyIndex } from './check.ts';
import type { TrafficCall } from './traffic.ts';
import type { PolicyRoute, PolicyVersion, Privilege } from './types.ts';

/** Live calls that the approved policy would deny, per principal, method, host and route. */
export interface DeniedCall extends TrafficCall {
  privilege: Privilege;
  group: string;
  reason: DenyReason;
  grantedPrivileges: Privilege[];
  reviewCandidate: boolean;
}

/** A policy entry that no live call used within the window. */
export interface UnusedEntry extends PolicyRoute {
  principal: string;
}

export interface DiffSummary {
  policyVersion: number;
  windowStartMs: number;
  windowEndMs: number;
  principalsSeen: number;
  allowedCalls: number;
  deniedCalls: number;
  /** Denied calls per reason; every reason is present, with 0 when none. */
  deniedCallsByReason: Record<DenyReason, number>;
  deniedEntries: number;
  unusedEntries: number;
}

export interface PolicyDiff {
  summary: DiffSummary;
  denied: DeniedCall[];
  unused: UnusedEntry[];
}

function emptyReasonCounts(): Record<DenyReason, number> {
  return Object.fromEntries(DENY_REASONS.map((r) => [r, 0])) as Record<DenyReason, number>;
}

function usageKey(principal: string, method: string, host: string, route: string): string {
  return `${principal}\n${method}\n${host}\n${route}`;
}

/** Lists the approved entries that no call in `traffic` used. */
function unusedEntries(policy: PolicyVersion, used: Set<string>): UnusedEntry[] {
  const unused: UnusedEntry[] = [];
  for (const principal of policy.principals) {
    for (const route of principal.routes) {
      const key = usageKey(principal.principal, route.method, route.host, route.route);
      if (!used.has(key)) unused.push({ principal: principal.principal, ...route });
    }
  }
  return unused;
}

/**
 * Compares an approved policy with live traffic over a window: the calls it would deny, with
 * the reason and counts, and the entries that no call used. A pure function of its inputs.
 */
export function diffPolicy(
  policy: PolicyVersion,
  index: PolicyIndex,
  traffic: readonly TrafficCall[],
  window: { startMs: number; endMs: number },
): PolicyDiff {
  const denied: DeniedCall[] = [];
  const used = new Set<string>();
  const principals = new Set<string>();
  const byReason = emptyReasonCounts();
  let allowedCalls = 0;

  for (const call of traffic) {
    principals.add(call.principal);
    const verdict = index.check(call.principal, call.method, call.host, call.route);
    if (verdict.allowed) {
      allowedCalls += call.count;
      used.add(usageKey(call.principal, call.method, call.host, call.route));
      continue;
    }
    byReason[verdict.reason] += call.count;
    const { allowed, ...details } = verdict;
    void allowed;
    denied.push({ ...call, ...details });
  }

  const unused = unusedEntries(policy, used);
  const summary: DiffSummary = {
    policyVersion: policy.version,
    windowStartMs: window.startMs,
    windowEndMs: window.endMs,
    principalsSeen: principals.size,
    allowedCalls,
    deniedCalls: denied.reduce((sum, d) => sum + d.count, 0),
    deniedCallsByReason: byReason,
    deniedEntries: denied.length,
    unusedEntries: unused.length,
  };
  return { summary, denied, unused };
}
