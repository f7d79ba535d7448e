import { kmeans } from 'ml-kmeans';
import { mean, median, standardDeviation } from 'simple-statistics';
import type { PeerAssignment, PrincipalBaseline } from './baseline.ts';

/**
 * Peer groups: principals clustered with k-means on normalised behaviour vectors.
 *
 * The vector has ten features. Seven are log(1 + x) of the median requests per minute and per
 * hour, the median distinct paths and routes per window, the median response bytes per window,
 * and the number of routes and hosts seen. The other three are the total error ratio and the
 * share of requests on weekdays 08:00-17:59 local time and at weekends. Each
 * feature is standardised to mean 0 and standard deviation 1 over the clustered principals (a
 * constant feature becomes 0).
 *
 * The number of groups is k = min(maxPeerGroups, n, max(1, round(sqrt(n / 2)))) for n clustered
 * principals, a common rule of thumb. Only mature principals are clustered when at least two are
 * mature, else every principal is. Initialisation is k-means++ with a fixed seed over principals
 * in name order, and groups are numbered by their first member in name order, so the same data
 * always gives the same groups and numbers. Every principal, mature or not, is then assigned to
 * its nearest centroid.
 */
export interface PeerOptions {
  maxPeerGroups: number;
  seed: number;
}

export interface PeerResult {
  assignments: Map<string, PeerAssignment>;
  centroids: number[][];
}

const FEATURES = 10;

export function behaviourVector(baseline: PrincipalBaseline): number[] {
  const log = (x: number): number => Math.log1p(Math.max(0, x));
  const errors = baseline.errorRatios;
  const total = baseline.hourOfWeekCounts.reduce((sum, n) => sum + n, 0);
  let office = 0;
  let weekend = 0;
  baseline.hourOfWeekCounts.forEach((n, slot) => {
    const day = Math.floor(slot / 24);
    const hour = slot % 24;
    if (day >= 5) weekend += n;
    else if (hour >= 8 && hour < 18) office += n;
  });

  return [
    log(baseline.ratePerMinute.median),
    log(baseline.ratePerHour.median),
    log(baseline.breadthPerWindow.median),
    log(baseline.routesPerWindow.median),
    log(baseline.bytesOutPerWindow.median),
    log(baseline.routes.length),
    log(baseline.hosts.length),
    errors.unauthorized + errors.forbidden + errors.notFound + errors.serverError,
    total === 0 ? 0 : office / total,
    total === 0 ? 0 : weekend / total,
  ];
}

/** Returns k for `n` clustered principals; see the rule above. */
export function peerGroupCount(n: number, maxPeerGroups: number): number {
  if (n === 0) return 0;
  return Math.min(maxPeerGroups, n, Math.max(1, Math.round(Math.sqrt(n / 2))));
}

/** Clusters baselines ordered by principal name and assigns each one a peer group. */
export function assignPeerGroups(
  baselines: readonly PrincipalBaseline[],
  options: PeerOptions,
): PeerResult {
  if (baselines.length === 0) return { assignments: new Map(), centroids: [] };

  const ordered = [...baselines].sort((a, b) => (a.principal < b.principal ? -1 : 1));
  const mature = ordered.filter((b) => b.mature);
  const clustered = mature.length >= 2 ? mature : ordered;

  const raw = clustered.map(behaviourVector);
  const scale = standardiser(raw);
  const points = raw.map(scale);
  const centroids = clusterCentroids(
    points,
    peerGroupCount(points.length, options.maxPeerGroups),
    options.seed,
  );

  const groupOf = (vector: number[]): { group: number; distance: number } =>
    nearest(vector, centroids);
  const clusteredDistances = new Map<number, number[]>();
  for (const point of points) {
    const { group, distance } = groupOf(point);
    const distances = clusteredDistances.get(group);
    if (distances === undefined) clusteredDistances.set(group, [distance]);
    else distances.push(distance);
  }

  const nearestByPrincipal = ordered.map((b) => ({
    principal: b.principal,
    ...groupOf(scale(behaviourVector(b))),
  }));
  const sizes = new Map<number, number>();
  for (const { group } of nearestByPrincipal) sizes.set(group, (sizes.get(group) ?? 0) + 1);

  const assignments = new Map<string, PeerAssignment>();
  for (const { principal, group, distance } of nearestByPrincipal) {
    const distances = clusteredDistances.get(group) ?? [distance];
    assignments.set(principal, {
      group,
      distance,
      groupMedianDistance: median(distances),
      groupSize: sizes.get(group) ?? 0,
    });
  }
  return { assignments, centroids };
}

/** Returns a function that standardises a vector with the columns' mean and standard deviation. */
function standardiser(rows: number[][]): (vector: number[]) => number[] {
  const means: number[] = [];
  const deviations: number[] = [];
  for (let column = 0; column < FEATURES; column++) {
    const values = rows.map((row) => row[column]!);
    means.push(mean(values));
    deviations.push(values.length > 1 ? standardDeviation(values) : 0);
  }
  return (vector) =>
    vector.map((x, column) => {
      const deviation = deviations[column]!;
      return deviation > 0 ? (x - means[column]!) / deviation : 0;
    });
}

/** Runs k-means and returns the non-empty centroids, numbered by their first point in order. */
function clusterCentroids(points: number[][], k: number, seed: number): number[][] {
  if (k <= 1) return [centroidOf(points)];

  const result = kmeans(points, k, { seed, initialization: 'kmeans++', maxIterations: 100 });
  const firstIndex = new Map<number, number>();
  result.clusters.forEach((cluster, index) => {
    if (!firstIndex.has(cluster)) firstIndex.set(cluster, index);
  });
  const order = [...firstIndex.entries()].sort((a, b) => a[1] - b[1]).map(([cluster]) => cluster);
  return order.map((cluster) =>
    centroidOf(points.filter((_, i) => result.clusters[i] === cluster)),
  );
}

function centroidOf(points: number[][]): number[] {
  const sums = new Array<number>(FEATURES).fill(0);
  for (const point of points) point.forEach((x, i) => (sums[i]! += x));
  return sums.map((sum) => sum / points.length);
}

function nearest(vector: number[], centroids: number[][]): { group: number; distance: number } {
  let best = { group: 0, distance: Number.POSITIVE_INFINITY };
  centroids.forEach((centroid, group) => {
    const distance = Math.sqrt(centroid.reduce((sum, c, i) => sum + (c - vector[i]!) ** 2, 0));
    if (distance < best.distance) best = { group, distance };
  });
  return best;
}
