import type { AccessEvent } from '../schemas/access-event.ts';
import { RollupAccumulator, type ExcludedRange } from './accumulate.ts';
import type { TrainConfig } from './config.ts';
import { finishTraining, type TrainResult } from './finish.ts';

export const DAY_MS = 86_400_000;

export interface TrainFromEventsOptions {
  /** Time of the run, stored as `trainedAtMs`; the window ends here unless `windowEndMs` is set. */
  nowMs: number;
  version: number;
  /** Start of the window, inclusive; default `windowEndMs` minus `train.windowDays`. */
  windowStartMs?: number;
  /** End of the window, exclusive; default `nowMs`. */
  windowEndMs?: number;
  /** Alerted ranges to leave out, per principal, inclusive at both ends. */
  excluded?: ReadonlyMap<string, readonly ExcludedRange[]>;
}

/**
 * Trains baselines from events in memory, without ClickHouse, for offline replay and tests. The
 * rules match training from ClickHouse: the same window, principal '' skipped, duplicates of
 * (principal, timestamp, id) counted once, and the same statistics, groups and priors.
 */
export function trainFromEvents(
  events: Iterable<AccessEvent>,
  config: TrainConfig,
  options: TrainFromEventsOptions,
): TrainResult {
  const windowEndMs = options.windowEndMs ?? options.nowMs;
  const windowStartMs = options.windowStartMs ?? windowEndMs - config.windowDays * DAY_MS;
  const accumulator = new RollupAccumulator({
    windowStartMs,
    windowEndMs,
    ...(options.excluded === undefined ? {} : { excluded: options.excluded }),
  });
  for (const event of events) accumulator.add(event);

  return finishTraining(accumulator.finish(), config, {
    version: options.version,
    trainedAtMs: options.nowMs,
    windowStartMs,
    windowEndMs,
  });
}

export type { TrainResult, ExcludedRange };
