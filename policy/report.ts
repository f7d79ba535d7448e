import { DENY_REASONS } from './check.ts';
import type { PolicyDiff } from './diff.ts';
import type { PolicyVersion } from './types.ts';

function isoTime(ms: number): string {
  return new Date(ms).toISOString();
}

/** Formats the diff as text for a reviewer: the summary first, then each denied call. */
export function formatDiff(diff: PolicyDiff): string[] {
  const s = diff.summary;
  const lines = [
    `policy version ${s.policyVersion}, traffic ${isoTime(s.windowStartMs)} to ${isoTime(s.windowEndMs)}`,
    `principals seen: ${s.principalsSeen}; calls allowed: ${s.allowedCalls}; calls denied: ${s.deniedCalls} on ${s.deniedEntries} route(s)`,
  ];
  for (const reason of DENY_REASONS) {
    lines.push(`  denied, ${reason}: ${s.deniedCallsByReason[reason]} call(s)`);
  }
  lines.push(`policy entries unused in the window: ${s.unusedEntries}`);

  if (diff.denied.length > 0) lines.push('', 'denied calls (principal, call, privilege, group):');
  for (const d of diff.denied) {
    const granted = d.grantedPrivileges.length > 0 ? d.grantedPrivileges.join('+') : 'none';
    const candidate = d.reviewCandidate ? ', review candidate' : '';
    lines.push(
      `  DENY ${d.principal} ${d.method} ${d.host}${d.route} ${d.privilege} ${d.group} ` +
        `[${d.reason}; granted ${granted}${candidate}] x${d.count}, last ${isoTime(d.lastSeenMs)}`,
    );
  }

  if (diff.unused.length > 0) lines.push('', 'unused policy entries:');
  for (const u of diff.unused) {
    lines.push(`  UNUSED ${u.principal} ${u.method} ${u.host}${u.route} ${u.privilege} ${u.group}`);
  }
  return lines;
}

/** Formats a version's header and per-principal grants, with the routes left for review. */
export function formatVersion(policy: PolicyVersion): string[] {
  const lines = [
    `policy version ${policy.version}: ${policy.status}, ${policy.principals.length} principal(s), ` +
      `min route count ${policy.minRouteCount}` +
      (policy.approvedAtMs
        ? `, approved ${isoTime(policy.approvedAtMs)} by ${policy.approvedBy}`
        : ''),
  ];
  for (const p of policy.principals) {
    lines.push(`${p.principal} (baseline ${p.baselineVersion})`);
    for (const g of p.groups) {
      lines.push(
        `  ${g.group} ${g.privileges.join('+')}: ${g.routeCount} route(s), ${g.callCount} call(s)`,
      );
    }
    for (const r of p.reviewCandidates) {
      lines.push(`  review: ${r.method} ${r.host}${r.route} seen ${r.count} time(s)`);
    }
  }
  return lines;
}
