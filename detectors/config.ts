import { z } from 'zod';

const score01 = z.number().min(0).max(1);
const positiveInt = z.number().int().positive();
const positive = z.number().positive();

/** Settings shared by the detectors that report a value absent from the baseline. */
const noveltySchema = (score: number) =>
  z
    .strictObject({
      enabled: z.boolean().default(true),
      /** Score of one new value; n new values in the risk window score 1 - (1 - score)^n. */
      score: score01.default(score),
      /** Factor applied while the baseline is immature, so a young principal is not paged. */
      immatureFactor: score01.default(0.25),
    })
    .prefault({});

/** Settings of a detector that compares a window total with robust statistics. */
const robustSchema = (defaults: { k: number; minRatio: number; floor: number }) =>
  z
    .strictObject({
      enabled: z.boolean().default(true),
      /** Threshold is median + k * 1.4826 * MAD (the MAD scaled to a normal standard deviation). */
      k: positive.default(defaults.k),
      /** The threshold is at least this multiple of the median. */
      minRatio: positive.default(defaults.minRatio),
      /** The threshold is never below this absolute value, so a quiet principal is not paged. */
      floor: z.number().nonnegative().default(defaults.floor),
    })
    .prefault({});

export const detectorsConfigSchema = z
  .strictObject({
    newRoute: noveltySchema(0.5),
    newHost: noveltySchema(0.5),
    newMethod: noveltySchema(0.4),
    newNetwork: noveltySchema(0.6),
    newClient: noveltySchema(0.3),
    idleHour: z
      .strictObject({
        enabled: z.boolean().default(true),
        /**
         * An hour is idle when its share of the principal's active hours, after the training
         * pseudo-count is taken off, is below this (0.0015 is about one hour in 670).
         */
        idleShare: score01.default(0.0015),
        /** Score of an hour never active; it falls linearly to 0 at `idleShare`. */
        maxScore: score01.default(0.6),
        /** Neighbouring hours that also count, so a one-hour daylight-saving shift is normal. */
        toleranceHours: z.number().int().min(0).max(3).default(1),
        /** Weight of the hour-of-day profile against the hour-of-week profile. */
        hourOfDayWeight: score01.default(0.5),
      })
      .prefault({}),
    volumePerMinute: robustSchema({ k: 6, minRatio: 3, floor: 30 }),
    volumePerFiveMinutes: robustSchema({ k: 6, minRatio: 3, floor: 100 }),
    twoNetworks: z
      .strictObject({
        enabled: z.boolean().default(true),
        /** Two networks within this interval count as simultaneous use, in milliseconds. */
        intervalMs: positiveInt.default(60_000),
        score: score01.default(0.6),
      })
      .prefault({}),
    enumeration: robustSchema({ k: 6, minRatio: 4, floor: 40 }),
    enumerationRoutes: robustSchema({ k: 6, minRatio: 3, floor: 12 }),
    errorBurst: z
      .strictObject({
        enabled: z.boolean().default(true),
        /** 401, 403 and 404 responses in the window needed before anything is reported. */
        minErrors: positiveInt.default(20),
        /** Errors must exceed this multiple of the count the baseline's error ratios predict. */
        minRatio: positive.default(4),
      })
      .prefault({}),
    responseBytes: robustSchema({ k: 6, minRatio: 4, floor: 10 * 1024 * 1024 }),
    dormant: z
      .strictObject({
        enabled: z.boolean().default(true),
        /** A principal unused for this long is dormant, in milliseconds (default 30 days). */
        dormantAfterMs: positiveInt.default(30 * 24 * 3_600_000),
        score: score01.default(0.6),
      })
      .prefault({}),
    peerDistance: z
      .strictObject({
        enabled: z.boolean().default(true),
        /** Reported when distance / group median distance reaches this ratio. */
        minRatio: positive.default(3),
        /** Groups smaller than this have no meaningful median distance. */
        minGroupSize: positiveInt.default(3),
        maxScore: score01.default(0.5),
      })
      .prefault({}),
  })
  .prefault({});

export const severityThresholdsSchema = z
  .strictObject({
    low: score01.default(0.3),
    medium: score01.default(0.5),
    high: score01.default(0.7),
    critical: score01.default(0.9),
  })
  .prefault({})
  .refine((t) => t.low <= t.medium && t.medium <= t.high && t.high <= t.critical, {
    message: 'severity thresholds must satisfy low <= medium <= high <= critical',
  });

export const riskConfigSchema = z
  .strictObject({
    /** Findings combine over this sliding window of event time, in milliseconds. */
    windowMs: positiveInt.default(15 * 60_000),
    /** Findings below this score are ignored by the risk rule. */
    minFindingScore: score01.default(0.2),
    /** Maximum risk while only one detector family reports, so one weak signal stays below high. */
    singleFamilyCap: score01.default(0.6),
    /** Added to the risk for every family beyond the first that reports at least 0.4. */
    corroborationBonus: score01.default(0.1),
    /**
     * Maximum risk of a principal without a mature baseline, judged by peer-group defaults: it
     * is still reported, but stays below `high` during its learning period.
     */
    immatureCap: score01.default(0.65),
    severity: severityThresholdsSchema,
    /** Alerts below this severity are not emitted. */
    alertMinSeverity: z.enum(['low', 'medium', 'high', 'critical']).default('medium'),
  })
  .prefault({});

/** Settings of the `score` section. */
export const scoreConfigSchema = z
  .strictObject({
    /** Consumer group of `eastwatch score`; separate from ingest's group. */
    groupId: z.string().min(1).default('eastwatch-score'),
    /** Length of the detector window (volume, enumeration, errors, bytes), in milliseconds. */
    windowMs: positiveInt.default(5 * 60_000),
    /** Events up to this far behind a principal's newest event still count, in milliseconds. */
    allowedLatenessMs: z.number().int().nonnegative().default(60_000),
    maxDistinctPerWindow: positiveInt.default(512),
    maxNovelValues: positiveInt.default(64),
    maxRecentNetworks: positiveInt.default(8),
    /** Principals held in memory; the least recently active are dropped beyond this. */
    maxPrincipals: positiveInt.default(200_000),
    /** How often `eastwatch score` checks for a new baseline version, in milliseconds. */
    baselinePollIntervalMs: positiveInt.default(60_000),
    /** Event time replayed from ClickHouse to rebuild a principal's state after a rebalance. */
    rebuildLookbackMs: positiveInt.default(15 * 60_000),
    risk: riskConfigSchema,
    detectors: detectorsConfigSchema,
  })
  .prefault({});

export type ScoreConfig = z.infer<typeof scoreConfigSchema>;
export type DetectorsConfig = ScoreConfig['detectors'];
export type RiskConfig = ScoreConfig['risk'];
export type RobustThresholds = DetectorsConfig['volumePerMinute'];
export type NoveltyThresholds = DetectorsConfig['newRoute'];

/** The `score` section with every default, for callers that build a scorer without a file. */
export function defaultScoreConfig(): ScoreConfig {
  return scoreConfigSchema.parse({});
}
