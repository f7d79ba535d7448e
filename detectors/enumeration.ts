import type { RobustStats } from '../models/baseline.ts';
import type { RobustThresholds } from './config.ts';
import type { Detector, DetectorInput } from './detector.ts';
import { buildFinding } from './build-finding.ts';
import type { Finding } from './finding.ts';
import { excessScore, ownP99, robustThreshold, round2 } from './robust.ts';

/**
 * Enumeration: far more distinct paths (`distinct-paths`, for example paging through ticket
 * ids) or distinct routes (`distinct-routes`, sweeping the API) in the detector window than the
 * principal's usual breadth per five-minute window. Without a mature baseline the peer prior's
 * breadth is used.
 */
export function createEnumerationDetector(
  name: 'enumeration-paths' | 'enumeration-routes',
  thresholds: RobustThresholds,
): Detector {
  const byRoute = name === 'enumeration-routes';
  return {
    name,
    family: 'enumeration',
    thresholds,
    evaluate(input: DetectorInput): Finding | undefined {
      if (!thresholds.enabled) return undefined;
      const stats = breadthStats(input, byRoute);
      if (!stats) return undefined;
      const own = ownP99(stats, input.baseline?.mature === true);

      const totals = input.state.windowTotals();
      const observed = byRoute ? totals.distinctRoutes : totals.distinctPaths;
      const threshold = robustThreshold(stats.median, stats.mad, thresholds, own);
      const score = excessScore(observed, threshold);
      if (score === 0) return undefined;

      const noun = byRoute ? 'distinct routes' : 'distinct paths';
      const explanation =
        `${input.event.principal} requested ${observed} ${noun} within the window ` +
        `(usual median ${round2(stats.median)}, limit ${Math.round(threshold)}), ` +
        `the pattern of paging through ids or sweeping an API; review the paths requested.`;
      return buildFinding(name, input, score, explanation, {
        distinct: observed,
        threshold: round2(threshold),
        median: round2(stats.median),
        mad: round2(stats.mad),
        ownP99: round2(own),
        requests: totals.requests,
        lastRoute: input.event.route,
      });
    },
  };
}

function breadthStats(
  { baseline, prior }: DetectorInput,
  byRoute: boolean,
): RobustStats | undefined {
  const source = baseline?.mature ? baseline : (prior ?? baseline);
  if (!source) return undefined;
  return byRoute ? source.routesPerWindow : source.breadthPerWindow;
}
