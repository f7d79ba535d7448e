/** Settings of a capped exponential backoff. */
export interface BackoffOptions {
  initialDelayMs: number;
  maxDelayMs: number;
}

/**
 * Returns the delay before retry number `retry` (1 for the first retry). The step is the capped
 * exponential `min(maxDelayMs, initialDelayMs * 2^(retry-1))`, and the upper half of it is random
 * ("equal jitter"). Retries of many alerts spread out, but each waits at least half the step.
 * `random` returns a number in [0, 1).
 */
export function backoffDelayMs(
  retry: number,
  options: BackoffOptions,
  random: () => number = Math.random,
): number {
  const exponent = Math.min(Math.max(retry - 1, 0), 30);
  const capped = Math.min(options.maxDelayMs, options.initialDelayMs * 2 ** exponent);
  const half = capped / 2;
  return Math.round(half + random() * half);
}
