import { defaultScoreConfig, type ScoreConfig } from '../detectors/config.ts';
import { trainBaselines } from '../detectors/replay.ts';
import { Scorer } from '../detectors/scorer.ts';
import { trainConfigSchema, type TrainConfig } from '../models/config.ts';
import { firstIndexAtOrAfter, type DetectionMethod, type MethodAlert } from './method.ts';

/**
 * Returns the product's model: baselines trained in memory from the history, then every
 * detector and the risk rule through `Scorer`, with the default `score` settings. Only the
 * time zones of the generated principals are configured.
 */
export function combinedModel(timeZones: Record<string, string>): DetectionMethod {
  const train: TrainConfig = trainConfigSchema.parse({ timeZones });
  const score: ScoreConfig = defaultScoreConfig();
  return {
    name: 'combined model',
    graded: true,
    run(events, learnUntilMs) {
      const split = firstIndexAtOrAfter(events, learnUntilMs);
      const history = events.slice(0, split);
      const baselines = trainBaselines(history, train, {
        firstEventMs: events[0]?.timestamp ?? learnUntilMs,
        learnUntilMs,
      });
      const scorer = new Scorer({ config: score, baselines });
      const alerts: MethodAlert[] = [];
      for (let i = split; i < events.length; i++) {
        const alert = scorer.process(events[i]!);
        if (!alert) continue;
        alerts.push({
          principal: alert.principal,
          timestampMs: alert.timestamp,
          score: alert.risk,
          severity: alert.severity,
        });
      }
      return alerts;
    },
  };
}
