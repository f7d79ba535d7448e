import type { DetectorsConfig } from './config.ts';
import { clampScore, type Detector, type DetectorInput } from './detector.ts';
import { buildFinding } from './build-finding.ts';
import type { Finding } from './finding.ts';
import { round2 } from './robust.ts';

type ErrorBurstThresholds = DetectorsConfig['errorBurst'];

/**
 * A burst of 401, 403 and 404 responses in the detector window: at least `minErrors`, and more
 * than `minRatio` times what the baseline's (or the peer prior's) error ratios predict for the
 * window's request count. Probing for ids and permissions produces such bursts.
 */
export function createErrorBurstDetector(thresholds: ErrorBurstThresholds): Detector {
  return {
    name: 'error-burst',
    family: 'enumeration',
    thresholds,
    evaluate(input: DetectorInput): Finding | undefined {
      if (!thresholds.enabled) return undefined;
      const status = input.event.status;
      if (status !== 401 && status !== 403 && status !== 404) return undefined;

      const totals = input.state.windowTotals();
      const errors = totals.unauthorized + totals.forbidden + totals.notFound;
      const ratios = (input.baseline?.mature ? input.baseline : input.prior)?.errorRatios;
      const usualRatio = ratios ? ratios.unauthorized + ratios.forbidden + ratios.notFound : 0;
      const expected = usualRatio * totals.requests;
      const threshold = Math.max(thresholds.minErrors, expected * thresholds.minRatio);
      if (errors < threshold) return undefined;

      const score = clampScore(0.5 + (0.5 * (errors - threshold)) / threshold);
      const explanation =
        `${input.event.principal} received ${errors} responses 401, 403 or 404 within the window ` +
        `(${totals.unauthorized} unauthorized, ${totals.forbidden} forbidden, ` +
        `${totals.notFound} not found, about ${Math.round(expected)} expected); ` +
        `someone may be probing with the credential.`;
      return buildFinding('error-burst', input, score, explanation, {
        errors,
        unauthorized: totals.unauthorized,
        forbidden: totals.forbidden,
        notFound: totals.notFound,
        requests: totals.requests,
        expectedErrors: round2(expected),
        threshold: round2(threshold),
      });
    },
  };
}
