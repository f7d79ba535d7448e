import { mean, median } from 'simple-statistics';
import {
  GLOBAL_PRIOR_GROUP,
  HOURS_PER_WEEK,
  type PeerGroupPrior,
  type PrincipalBaseline,
  type RobustStats,
} from './baseline.ts';
import { EMPTY_STATS } from './statistics.ts';

type StatsField =
  'ratePerMinute' | 'ratePerHour' | 'breadthPerWindow' | 'routesPerWindow' | 'bytesOutPerWindow';

/**
 * Builds one prior per peer group and the global prior (group {@link GLOBAL_PRIOR_GROUP}). Each
 * statistic is the median over the group's mature members (all members when none is mature), and
 * the hour-of-week probability is the members' mean, so it still sums to 1.
 */
export function buildPriors(baselines: readonly PrincipalBaseline[]): PeerGroupPrior[] {
  const groups = new Map<number, PrincipalBaseline[]>();
  for (const baseline of baselines) {
    const group = baseline.peer?.group;
    if (group === undefined) continue;
    const members = groups.get(group);
    if (members === undefined) groups.set(group, [baseline]);
    else members.push(baseline);
  }

  const priors = [...groups.entries()]
    .sort((a, b) => a[0] - b[0])
    .map(([group, members]) => priorOf(group, members));
  if (baselines.length > 0) priors.push(priorOf(GLOBAL_PRIOR_GROUP, [...baselines]));
  return priors;
}

function priorOf(group: number, members: PrincipalBaseline[]): PeerGroupPrior {
  const mature = members.filter((b) => b.mature);
  const basis = mature.length > 0 ? mature : members;
  const stats = (field: StatsField): RobustStats => medianStats(basis.map((b) => b[field]));
  const ratio = (field: keyof PrincipalBaseline['errorRatios']): number =>
    median(basis.map((b) => b.errorRatios[field]));

  return {
    group,
    members: members.length,
    ratePerMinute: stats('ratePerMinute'),
    ratePerHour: stats('ratePerHour'),
    breadthPerWindow: stats('breadthPerWindow'),
    routesPerWindow: stats('routesPerWindow'),
    bytesOutPerWindow: stats('bytesOutPerWindow'),
    errorRatios: {
      unauthorized: ratio('unauthorized'),
      forbidden: ratio('forbidden'),
      notFound: ratio('notFound'),
      serverError: ratio('serverError'),
    },
    hourOfWeekProbability: perSlot(basis, (b) => b.hourOfWeekProbability, mean),
    expectedPerHourOfWeek: perSlot(basis, (b) => b.expectedPerHourOfWeek, median),
  };
}

function medianStats(all: RobustStats[]): RobustStats {
  const field = (name: keyof RobustStats): number => median(all.map((s) => s[name]));
  return {
    median: field('median'),
    mad: field('mad'),
    p95: field('p95'),
    p99: field('p99'),
    max: field('max'),
    samples: field('samples'),
  };
}

function perSlot(
  basis: PrincipalBaseline[],
  pick: (b: PrincipalBaseline) => number[],
  combine: (values: number[]) => number,
): number[] {
  return Array.from({ length: HOURS_PER_WEEK }, (_, slot) =>
    combine(basis.map((b) => pick(b)[slot] ?? 0)),
  );
}

/**
 * Returns the prior a principal should be scored against: its peer group's prior when it has a
 * group with a prior, else the global prior. Pass no baseline for a principal never seen in
 * training. Returns undefined only when no priors were trained.
 */
export function priorFor(
  priors: readonly PeerGroupPrior[],
  baseline?: PrincipalBaseline,
): PeerGroupPrior | undefined {
  const group = baseline?.peer?.group;
  const own = group === undefined ? undefined : priors.find((p) => p.group === group);
  return own ?? priors.find((p) => p.group === GLOBAL_PRIOR_GROUP);
}

/** Replaces an immature baseline's statistics with the prior's, keeping its own seen values. */
export function applyPrior(baseline: PrincipalBaseline, prior: PeerGroupPrior): PrincipalBaseline {
  return {
    ...baseline,
    fromPeerPrior: true,
    ratePerMinute: prior.ratePerMinute,
    ratePerHour: prior.ratePerHour ?? baseline.ratePerHour,
    breadthPerWindow: prior.breadthPerWindow,
    routesPerWindow: prior.routesPerWindow,
    bytesOutPerWindow: prior.bytesOutPerWindow,
    errorRatios: prior.errorRatios,
    hourOfWeekProbability: prior.hourOfWeekProbability,
    expectedPerHourOfWeek: prior.expectedPerHourOfWeek ?? baseline.expectedPerHourOfWeek,
  };
}

/**
 * Returns the baseline to score a principal that training never saw: the global prior's (or the
 * given group's) statistics with no seen values, immature and marked as coming from the prior.
 */
export function unseenPrincipalBaseline(
  principal: string,
  prior: PeerGroupPrior,
  options: { version: number; timeZone: string; nowMs: number },
): PrincipalBaseline {
  const empty: PrincipalBaseline = {
    principal,
    version: options.version,
    trainedAtMs: options.nowMs,
    windowStartMs: options.nowMs,
    windowEndMs: options.nowMs,
    timeZone: options.timeZone,
    eventCount: 0,
    activeDays: 0,
    mature: false,
    fromPeerPrior: true,
    routes: [],
    hosts: [],
    methods: [],
    networks: [],
    sourceIps: [],
    userAgents: [],
    credentials: [],
    hourOfWeekCounts: new Array<number>(HOURS_PER_WEEK).fill(0),
    hourOfWeekProbability: prior.hourOfWeekProbability,
    expectedPerHourOfWeek: new Array<number>(HOURS_PER_WEEK).fill(0),
    ratePerMinute: prior.ratePerMinute,
    ratePerHour: prior.ratePerHour ?? { ...EMPTY_STATS },
    breadthPerWindow: prior.breadthPerWindow,
    routesPerWindow: prior.routesPerWindow,
    bytesOutPerWindow: prior.bytesOutPerWindow,
    errorRatios: prior.errorRatios,
  };
  return applyPrior(empty, prior);
}
