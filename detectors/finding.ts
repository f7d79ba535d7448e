/**
 * One detector's verdict on one event or window of a principal's traffic. `score` runs from 0
 * (nothing unusual) to 1 (certainly unusual); `evidence` holds the values compared, so a responder
 * can check the verdict; `explanation` is one sentence a person can act on.
 */
export interface Finding {
  detector: string;
  score: number;
  timestampMs: number;
  explanation: string;
  evidence: Record<string, string | number | boolean | string[] | number[] | null>;
  /** Ids of the access events behind the finding (capped). */
  eventIds: string[];
}
