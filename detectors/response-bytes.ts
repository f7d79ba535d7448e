import type { RobustThresholds } from './config.ts';
import type { Detector, DetectorInput } from './detector.ts';
import { buildFinding } from './build-finding.ts';
import type { Finding } from './finding.ts';
import { excessScore, ownP99, robustThreshold, round2 } from './robust.ts';

/**
 * Response bytes in the detector window far above the principal's usual bytes per five-minute
 * window (exfiltration). The floor defaults to 10 MiB, so small principals are not reported for
 * a few large pages. Without a mature baseline the peer prior's statistics are used.
 */
export function createResponseBytesDetector(thresholds: RobustThresholds): Detector {
  return {
    name: 'response-bytes',
    family: 'volume',
    thresholds,
    evaluate(input: DetectorInput): Finding | undefined {
      if (!thresholds.enabled) return undefined;
      const source = input.baseline?.mature ? input.baseline : (input.prior ?? input.baseline);
      if (!source) return undefined;

      const stats = source.bytesOutPerWindow;
      const observed = input.state.windowTotals().bytesOut;
      const own = ownP99(stats, source === input.baseline && source.mature);
      const threshold = robustThreshold(stats.median, stats.mad, thresholds, own);
      const score = excessScore(observed, threshold);
      if (score === 0) return undefined;

      const explanation =
        `${input.event.principal} received ${formatBytes(observed)} of responses within the ` +
        `window, above its limit of ${formatBytes(threshold)} (usual median ` +
        `${formatBytes(stats.median)}); check what data left through this credential.`;
      return buildFinding('response-bytes', input, score, explanation, {
        bytesOut: observed,
        threshold: round2(threshold),
        median: round2(stats.median),
        mad: round2(stats.mad),
        ownP99: round2(own),
      });
    },
  };
}

function formatBytes(bytes: number): string {
  if (bytes >= 1024 * 1024) return `${(bytes / (1024 * 1024)).toFixed(1)} MiB`;
  if (bytes >= 1024) return `${(bytes / 1024).toFixed(1)} KiB`;
  return `${Math.round(bytes)} B`;
}
