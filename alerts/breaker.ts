/** Settings of a circuit breaker. */
export interface BreakerOptions {
  /** Consecutive failures that open the breaker. */
  failureThreshold: number;
  /** How long the breaker stays open before it lets one probe through, in milliseconds. */
  openMs: number;
}

export type BreakerState = 'closed' | 'open' | 'half-open';

/** Result of asking the breaker before an attempt: allowed, or retry after `retryInMs`. */
export type BreakerGate = { allowed: true } | { allowed: false; retryInMs: number };

/**
 * A per-sink circuit breaker. After `failureThreshold` consecutive failures it opens and rejects
 * attempts for `openMs`. Then it is half-open: one probe goes through, and its result closes the
 * breaker again or reopens it for another `openMs`.
 */
export class CircuitBreaker {
  #state: BreakerState = 'closed';
  #failures = 0;
  #openedAtMs = 0;
  #probeInFlight = false;

  constructor(
    private readonly options: BreakerOptions,
    private readonly now: () => number = Date.now,
  ) {}

  get state(): BreakerState {
    if (this.#state === 'open' && this.now() - this.#openedAtMs >= this.options.openMs) {
      this.#state = 'half-open';
    }
    return this.#state;
  }

  /** Asks to make an attempt. In the half-open state only the first caller is allowed. */
  beforeAttempt(): BreakerGate {
    const state = this.state;
    if (state === 'closed') return { allowed: true };

    if (state === 'half-open' && !this.#probeInFlight) {
      this.#probeInFlight = true;
      return { allowed: true };
    }

    const remainingMs = this.#openedAtMs + this.options.openMs - this.now();
    // A caller queued behind a probe retries after at most a second, about one request's time.
    return {
      allowed: false,
      retryInMs: Math.max(remainingMs, Math.min(this.options.openMs, 1000)),
    };
  }

  onSuccess(): void {
    this.#state = 'closed';
    this.#failures = 0;
    this.#probeInFlight = false;
  }

  onFailure(): void {
    this.#failures += 1;
    const probeFailed = this.#probeInFlight;
    this.#probeInFlight = false;

    if (probeFailed || this.#failures >= this.options.failureThreshold) {
      this.#state = 'open';
      this.#openedAtMs = this.now();
    }
  }
}
