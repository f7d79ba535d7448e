import type { NoveltyThresholds } from './config.ts';
import { clampScore, type Detector, type DetectorFamily, type DetectorInput } from './detector.ts';
import { buildFinding, listForHumans } from './build-finding.ts';
import { lookupFor, type BaselineLookup } from './lookup.ts';
import type { Finding } from './finding.ts';

/** The parts in which one novelty detector differs from another. */
export interface NoveltySpec {
  name: string;
  family: DetectorFamily;
  /** Singular noun for explanations: `route`, `network`. */
  noun: string;
  /** The event's value, or '' when the event has none (then the detector stays silent). */
  valueOf: (input: DetectorInput) => string;
  known: (lookup: BaselineLookup) => Set<string>;
  /**
   * Returns true when the baseline contains the event's value. Without it, `valueOf` is looked
   * up in `known`. A detector whose value joins several fields can check them without building
   * the string, which matters because this runs for every event.
   */
  isKnown?: (input: DetectorInput, lookup: BaselineLookup) => boolean;
}

/**
 * Builds a detector that reports a value the baseline has never seen. Each new value is
 * reported on its first sighting only. The score grows with the number of distinct new values
 * in the last `windowMs`: n values score 1 - (1 - score)^n. One new route after a release is a
 * weak finding, and ten new routes in a few minutes are a strong one. A principal without a
 * baseline is never reported (everything is new to it), and an immature baseline scales the
 * score by `immatureFactor`.
 */
export function createNoveltyDetector(
  spec: NoveltySpec,
  thresholds: NoveltyThresholds,
  windowMs: number,
): Detector {
  return {
    name: spec.name,
    family: spec.family,
    thresholds: { ...thresholds, windowMs },
    evaluate(input: DetectorInput): Finding | undefined {
      const { baseline, event, state } = input;
      if (!thresholds.enabled || !baseline) return undefined;

      const lookup = lookupFor(baseline);
      if (spec.isKnown?.(input, lookup)) return undefined;
      const value = spec.valueOf(input);
      if (value === '' || spec.known(lookup).has(value)) return undefined;
      if (!state.markNovel(spec.name, value, event.timestamp)) return undefined;

      const values = state.novelSince(spec.name, event.timestamp - windowMs);
      const maturity = baseline.mature ? 1 : thresholds.immatureFactor;
      const score = clampScore((1 - (1 - thresholds.score) ** values.length) * maturity);
      if (score === 0) return undefined;

      const plural = values.length === 1 ? spec.noun : `${spec.noun}s`;
      const explanation =
        `${event.principal} used ${values.length} ${plural} absent from its baseline ` +
        `(${listForHumans(values)}); confirm a deployment added ${values.length === 1 ? 'it' : 'them'} ` +
        `or treat the credential as misused.`;
      return buildFinding(spec.name, input, score, explanation, {
        value,
        newValues: values.slice(0, 20),
        newValueCount: values.length,
        knownValueCount: spec.known(lookup).size,
        baselineMature: baseline.mature,
      });
    },
  };
}
