import { setTimeout as sleep } from 'node:timers/promises';
import { CronExpressionParser } from 'cron-parser';
import { ConfigError } from '../core/errors.ts';
import { componentLogger } from '../core/logger.ts';

const log = componentLogger('train-schedule');

/** When to run: every `intervalMs` from the start, or at the times of a cron expression (UTC). */
export type Schedule = { intervalMs: number } | { cron: string };

/** Returns the next run time after `afterMs`. */
export function nextRunMs(schedule: Schedule, afterMs: number): number {
  if ('intervalMs' in schedule) return afterMs + schedule.intervalMs;
  return CronExpressionParser.parse(schedule.cron, { currentDate: new Date(afterMs), tz: 'UTC' })
    .next()
    .getTime();
}

/** Checks a cron expression once, at start, so a typo fails before the first wait. */
export function validateCron(expression: string): void {
  try {
    CronExpressionParser.parse(expression, { tz: 'UTC' });
  } catch (cause) {
    throw new ConfigError(
      `cron expression ${JSON.stringify(expression)} is invalid; use five fields, for example "0 * * * *"`,
      { cause },
    );
  }
}

/**
 * Calls `job` now and then on the schedule until `signal` aborts. Runs never overlap within one
 * scheduler: a run that outlasts its slot skips the times it missed. A failed run is logged and
 * the schedule goes on, because the next run may succeed (published baselines stay in place).
 */
export async function runOnSchedule(
  schedule: Schedule,
  job: () => Promise<void>,
  signal: AbortSignal,
): Promise<void> {
  let failures = 0;
  while (!signal.aborted) {
    const startedMs = Date.now();
    try {
      await job();
      failures = 0;
    } catch (error) {
      failures += 1;
      log.error({ err: error, consecutive_failures: failures }, 'scheduled training failed');
    }

    let next = nextRunMs(schedule, startedMs);
    while (next <= Date.now()) next = nextRunMs(schedule, next);
    log.info({ next_run_at: new Date(next).toISOString() }, 'training scheduled');
    try {
      await sleep(next - Date.now(), undefined, { signal });
    } catch {
      break;
    }
  }
}
