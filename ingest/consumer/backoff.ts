/**
 * Capped exponential backoff with jitter: attempt `n` (from 0) waits a uniform random time in
 * `[c / 2, c]` where `c = min(maxMs, initialMs * 2^n)`. The jitter keeps consumers that failed
 * together from retrying together, and the lower half-bound keeps a retry from firing at once.
 */
export interface Backoff {
  /** Returns the delay before the next attempt, in milliseconds, and counts the attempt. */
  nextDelayMs(): number;
  /** Number of delays handed out since the last reset. */
  readonly attempts: number;
  reset(): void;
}

export function createBackoff(
  initialMs: number,
  maxMs: number,
  random: () => number = Math.random,
): Backoff {
  let attempts = 0;
  return {
    nextDelayMs() {
      const ceilingMs = Math.min(maxMs, initialMs * 2 ** Math.min(attempts, 30));
      attempts += 1;
      return Math.round(ceilingMs / 2 + (ceilingMs / 2) * random());
    },
    get attempts() {
      return attempts;
    },
    reset() {
      attempts = 0;
    },
  };
}

/** Resolves after `ms`, or early when `signal` aborts; never rejects. */
export function sleepUnlessAborted(ms: number, signal: AbortSignal): Promise<void> {
  if (signal.aborted) return Promise.resolve();
  return new Promise((resolve) => {
    const done = (): void => {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
  });
}
