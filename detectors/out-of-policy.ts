import type { ClickHouseClient } from '../clickhouse/client.ts';
import { PolicyIndex, type DenyReason } from '../policy/check.ts';
import { outOfPolicyConfigSchema, type PolicyConfig } from '../policy/config.ts';
import { groupingOf } from '../policy/openapi.ts';
import { readApprovedPolicy } from '../policy/store.ts';
import { clampScore, type Detector, type DetectorInput } from './detector.ts';
import type { Finding } from './finding.ts';

/**
 * Flags calls outside the principal's approved least-privilege policy. The score depends on
 * how the call departs from the policy. A write to an API group the principal only ever read is
 * the strongest signal. Next comes any call to a group it never used, then a new route inside a
 * group and privilege it already has. A principal without a policy scores lowest, because new
 * services appear between approvals. Silent while no policy version is approved.
 */

export const OUT_OF_POLICY_DETECTOR = 'out-of-policy';

export interface OutOfPolicyThresholds {
  /** Score of a call with a privilege the principal lacks on the group (read-only to write). */
  newPrivilegeScore: number;
  /** Score of a write to a group the principal has no grant on. */
  newGroupWriteScore: number;
  /** Score of a read of a group the principal has no grant on. */
  newGroupReadScore: number;
  /** Score of a new route inside a group and privilege the principal holds. */
  newRouteScore: number;
  /** Score of any call by a principal that the approved policy does not contain. */
  principalNotInPolicyScore: number;
}

/** The defaults of the `policy.detector` settings. */
export const DEFAULT_OUT_OF_POLICY_THRESHOLDS: OutOfPolicyThresholds =
  outOfPolicyConfigSchema.parse({});

function explain(
  principal: string,
  method: string,
  route: string,
  verdict: { reason: DenyReason; group: string; privilege: string; grantedPrivileges: string[] },
  version: number,
): string {
  const call = `${method} ${route} (${verdict.privilege}, API group ${verdict.group})`;
  if (verdict.reason === 'principal not in policy') {
    return `${principal} has no entry in approved policy version ${version}, so deny-by-default would block ${call}.`;
  }
  const granted =
    verdict.grantedPrivileges.length > 0 ? verdict.grantedPrivileges.join(' and ') : 'no privilege';
  return `${principal} called ${call}, but approved policy version ${version} grants it ${granted} on that group (${verdict.reason}).`;
}

export class OutOfPolicyDetector implements Detector {
  readonly name = OUT_OF_POLICY_DETECTOR;
  readonly family = 'policy' as const;
  readonly thresholds: Readonly<OutOfPolicyThresholds>;
  readonly #policy: PolicyIndex | undefined;

  /** `policy` is the approved version; undefined keeps the detector silent. */
  constructor(policy: PolicyIndex | undefined, thresholds: Partial<OutOfPolicyThresholds> = {}) {
    this.#policy = policy;
    this.thresholds = Object.freeze({ ...DEFAULT_OUT_OF_POLICY_THRESHOLDS, ...thresholds });
  }

  evaluate({ event }: DetectorInput): Finding | undefined {
    if (!this.#policy || event.principal === '') return undefined;

    const verdict = this.#policy.check(event.principal, event.method, event.host, event.route);
    if (verdict.allowed) return undefined;

    return {
      detector: this.name,
      score: clampScore(this.#scoreOf(verdict.reason, verdict.privilege === 'write')),
      timestampMs: event.timestamp,
      explanation: explain(
        event.principal,
        event.method,
        event.route,
        verdict,
        this.#policy.version,
      ),
      evidence: {
        policyVersion: this.#policy.version,
        reason: verdict.reason,
        group: verdict.group,
        privilege: verdict.privilege,
        grantedPrivileges: verdict.grantedPrivileges,
        method: event.method,
        host: event.host,
        route: event.route,
        reviewCandidate: verdict.reviewCandidate,
      },
      eventIds: [event.id],
    };
  }

  #scoreOf(reason: DenyReason, write: boolean): number {
    switch (reason) {
      case 'new privilege':
        return this.thresholds.newPrivilegeScore;
      case 'new group':
        return write ? this.thresholds.newGroupWriteScore : this.thresholds.newGroupReadScore;
      case 'new route':
        return this.thresholds.newRouteScore;
      case 'principal not in policy':
        return this.thresholds.principalNotInPolicyScore;
    }
  }
}

/**
 * Builds the detector from the approved policy version in ClickHouse, for the scorer to append
 * to the built-in detectors. With no approved version the detector stays silent. The version is
 * read once: a later approval takes effect when the scorer builds its detectors again.
 */
export async function loadOutOfPolicyDetector(
  client: ClickHouseClient,
  config: PolicyConfig,
): Promise<OutOfPolicyDetector> {
  const policy = await readApprovedPolicy(client);
  const index = policy ? new PolicyIndex(policy, groupingOf(config)) : undefined;
  return new OutOfPolicyDetector(index, config.detector);
}
