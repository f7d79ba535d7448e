import { describe, expect, it } from 'vitest';
import { nextRunMs, runOnSchedule, validateCron } from '../../models/schedule.ts';

const NOON_MS = Date.UTC(2026, 2, 2, 12, 0, 0);

describe('nextRunMs', () => {
  it('adds the interval', () => {
    expect(nextRunMs({ intervalMs: 3_600_000 }, NOON_MS)).toBe(NOON_MS + 3_600_000);
  });

  it('takes the next cron time in UTC', () => {
    expect(nextRunMs({ cron: '0 * * * *' }, NOON_MS + 60_000)).toBe(Date.UTC(2026, 2, 2, 13));
    expect(nextRunMs({ cron: '30 2 * * *' }, NOON_MS)).toBe(Date.UTC(2026, 2, 3, 2, 30));
  });

  it('moves past an exact match', () => {
    expect(nextRunMs({ cron: '0 * * * *' }, NOON_MS)).toBe(Date.UTC(2026, 2, 2, 13));
  });
});

describe('validateCron', () => {
  it('accepts five fields', () => {
    expect(() => validateCron('0 * * * *')).not.toThrow();
  });

  it('rejects a malformed expression', () => {
    expect(() => validateCron('every hour')).toThrow(/cron expression "every hour" is invalid/);
  });
});

describe('runOnSchedule', () => {
  it('keeps going after a failed run', async () => {
    const controller = new AbortController();
    let calls = 0;
    const job = (): Promise<void> => {
      calls += 1;
      if (calls === 1) return Promise.reject(new Error('first run fails'));
      if (calls === 3) controller.abort();
      return Promise.resolve();
    };
    await runOnSchedule({ intervalMs: 10 }, job, controller.signal);
    expect(calls).toBe(3);
  });

  it('stops when aborted during the wait', async () => {
    const controller = new AbortController();
    let calls = 0;
    const stopped = runOnSchedule(
      { intervalMs: 60_000 },
      () => {
        calls += 1;
        return Promise.resolve();
      },
      controller.signal,
    );
    setTimeout(() => controller.abort(), 20);
    await stopped;
    expect(calls).toBe(1);
  });
});
