import { EastwatchError, isRetriable } from '../../core/errors.ts';
import { createBackoff, sleepUnlessAborted } from './backoff.ts';

/** Raised out of a retry loop when the consumer is stopping or lost the partition. */
export class RetryAbortedError extends EastwatchError {
  constructor(what: string, reason: string) {
    super('INGEST_RETRY_ABORTED', `gave up retrying ${what} because ${reason}`, {
      retriable: true,
    });
  }
}

export interface RetryOptions {
  initialMs: number;
  maxMs: number;
  /** Aborts the waits; the loop then raises {@link RetryAbortedError}. */
  signal: AbortSignal;
  /** Returns a reason to stop retrying (for example a lost partition), or undefined. */
  shouldStop?: () => string | undefined;
  /** Runs before each wait, with the failure and the delay; for logs, metrics and pausing. */
  onRetry?: (error: unknown, attempt: number, delayMs: number) => void;
}

/**
 * Runs `operation` until it succeeds. A failure whose `retriable` flag is false is raised at once.
 * A retriable one is retried after a capped, jittered backoff, for as long as it takes, unless
 * the signal aborts or `shouldStop` names a reason.
 */
export async function retryUntilDone<T>(
  what: string,
  operation: () => Promise<T>,
  options: RetryOptions,
): Promise<T> {
  const backoff = createBackoff(options.initialMs, options.maxMs);
  for (;;) {
    try {
      return await operation();
    } catch (error) {
      if (!isRetriable(error)) throw error;
      const delayMs = backoff.nextDelayMs();
      options.onRetry?.(error, backoff.attempts, delayMs);
      await sleepUnlessAborted(delayMs, options.signal);
    }
    const stopReason = options.signal.aborted ? 'the consumer is stopping' : options.shouldStop?.();
    if (stopReason !== undefined) throw new RetryAbortedError(what, stopReason);
  }
}
