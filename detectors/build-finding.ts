import type { DetectorInput } from './detector.ts';
import type { Finding } from './finding.ts';

/** Builds a finding for the input's event. */
export function buildFinding(
  detector: string,
  input: DetectorInput,
  score: number,
  explanation: string,
  evidence: Finding['evidence'],
): Finding {
  return {
    detector,
    score,
    timestampMs: input.event.timestamp,
    explanation,
    evidence,
    eventIds: [input.event.id],
  };
}

/** Formats up to `max` values for an explanation: `a, b, c and 4 more`. */
export function listForHumans(values: string[], max = 3): string {
  if (values.length <= max) return values.join(', ');
  return `${values.slice(0, max).join(', ')} and ${values.length - max} more`;
}
