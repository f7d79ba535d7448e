import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { kmeans } from 'ml-kmeans';
import { peerGroupCount } from '../models/peers.ts';
import { robustStats } from '../models/statistics.ts';
import { MAD_TO_SIGMA } from '../detectors/robust.ts';
import { recallAtFalsePositiveRate, rocAuc } from './roc.ts';

/**
 * The external check: how well the peer-group distance and a robust outlier score separate the
 * labelled rows of the public API access behaviour dataset (1,560 sessions, 454 labelled
 * outlier). Each row's features are log(1 + x) of its seven numeric columns, standardised with
 * the median and the MAD scaled by 1.4826. Both scores are unsupervised: labels are only used to
 * measure.
 *
 * - peer distance: k-means (ml-kmeans, k-means++, seed 42) with k from the peer-group rule of
 *   models/peers.ts, and each row's distance to its nearest centroid;
 * - robust outlier: the largest absolute robust z-score over the features;
 * - IsolationForest (scikit-learn, 200 trees, seed 42) as a peer, when a Python with the package
 *   is available.
 */
export const FEATURE_COLUMNS = [
  'inter_api_access_duration(sec)',
  'api_access_uniqueness',
  'sequence_length(count)',
  'vsession_duration(min)',
  'num_sessions',
  'num_users',
  'num_unique_apis',
];
export const FALSE_POSITIVE_RATE = 0.05;
const MAX_PEER_GROUPS = 8;

export interface SeparationResult {
  method: string;
  auc: number | undefined;
  recallAt5PercentFalsePositives: number | undefined;
}

export interface ExternalCheck {
  rows: number;
  outliers: number;
  peerGroups: number;
  results: SeparationResult[];
  /** Reason the IsolationForest column is missing, when it is. */
  isolationForestSkipped?: string;
}

interface LabelledRows {
  features: number[][];
  outlier: boolean[];
}

/** Reads the CSV: a header line, then comma-separated rows without quoted fields. */
export function readBehaviourRows(path: string): LabelledRows {
  const [header, ...lines] = readFileSync(path, 'utf8').trim().split('\n');
  const columns = header!.split(',');
  const indexes = FEATURE_COLUMNS.map((name) => columns.indexOf(name));
  const label = columns.indexOf('classification');
  if (indexes.some((i) => i < 0) || label < 0) {
    throw new RangeError(`${path}: expected columns ${FEATURE_COLUMNS.join(', ')}, classification`);
  }
  const rows: LabelledRows = { features: [], outlier: [] };
  for (const line of lines) {
    const cells = line.split(',');
    rows.features.push(indexes.map((i) => Math.log1p(Math.max(0, Number(cells[i])))));
    rows.outlier.push(cells[label]!.trim() === 'outlier');
  }
  return rows;
}

/** Standardises each column with its median and scaled MAD; a column with MAD 0 uses 1. */
export function robustStandardise(features: number[][]): number[][] {
  const columns = features[0]?.length ?? 0;
  const scales = Array.from({ length: columns }, (_, c) => {
    const stats = robustStats(features.map((row) => row[c]!));
    return { median: stats.median, sigma: stats.mad > 0 ? stats.mad * MAD_TO_SIGMA : 1 };
  });
  return features.map((row) => row.map((x, c) => (x - scales[c]!.median) / scales[c]!.sigma));
}

/** Runs the check on the CSV at `path`; `python` is an interpreter with scikit-learn, if any. */
export function runExternalCheck(path: string, python: string | undefined): ExternalCheck {
  const rows = readBehaviourRows(path);
  const points = robustStandardise(rows.features);
  const k = peerGroupCount(points.length, MAX_PEER_GROUPS);
  const clusters = kmeans(points, k, { seed: 42, initialization: 'kmeans++', maxIterations: 100 });
  const peerScores = points.map((p) => nearestDistance(p, clusters.centroids));
  const robustScores = points.map((p) => Math.max(...p.map(Math.abs)));

  const results = [
    separation('peer-group distance (k-means)', peerScores, rows.outlier),
    separation('robust outlier score (largest robust z)', robustScores, rows.outlier),
  ];
  const forest = isolationForestScores(path, python, rows.outlier.length);
  if (forest.scores)
    results.push(separation('IsolationForest (scikit-learn)', forest.scores, rows.outlier));
  return {
    rows: rows.outlier.length,
    outliers: rows.outlier.filter(Boolean).length,
    peerGroups: k,
    results,
    ...(forest.skipped ? { isolationForestSkipped: forest.skipped } : {}),
  };
}

function separation(method: string, scores: number[], outlier: boolean[]): SeparationResult {
  return {
    method,
    auc: rocAuc(scores, outlier),
    recallAt5PercentFalsePositives: recallAtFalsePositiveRate(scores, outlier, FALSE_POSITIVE_RATE),
  };
}

function nearestDistance(point: number[], centroids: number[][]): number {
  let best = Number.POSITIVE_INFINITY;
  for (const centroid of centroids) {
    const distance = Math.sqrt(centroid.reduce((sum, c, i) => sum + (c - point[i]!) ** 2, 0));
    if (distance < best) best = distance;
  }
  return best;
}

const SCRIPT = new URL('./isolation_forest.py', import.meta.url).pathname;

function isolationForestScores(
  path: string,
  python: string | undefined,
  rows: number,
): { scores?: number[]; skipped?: string } {
  if (!python || !existsSync(python)) {
    return { skipped: `no Python with scikit-learn at ${python ?? '(unset)'}` };
  }
  try {
    const output = execFileSync(python, [SCRIPT, path], { encoding: 'utf8', timeout: 120_000 });
    const scores = output.trim().split('\n').map(Number);
    if (scores.length !== rows)
      return { skipped: `IsolationForest returned ${scores.length} scores for ${rows} rows` };
    return { scores };
  } catch (error) {
    return { skipped: `IsolationForest failed: ${(error as Error).message.split('\n')[0]}` };
  }
}
