const HOUR_MS = 3_600_000;

export type LimitReason = 'rate_limit_hour' | 'rate_limit_principal';

/**
 * Rolling one-hour limits on revocations, across all principals and per principal. It lives in
 * memory and is seeded at start from the audit table, so a restart does not reset it.
 */
export class RevocationLimiter {
  #all: number[] = [];
  readonly #byPrincipal = new Map<string, number[]>();

  constructor(
    private readonly maxPerHour: number,
    private readonly maxPerPrincipalPerHour: number,
  ) {}

  /** Returns the limit that a revocation now would break, or undefined when it is allowed. */
  check(principal: string, nowMs: number): LimitReason | undefined {
    this.#all = this.#all.filter((t) => t > nowMs - HOUR_MS);
    if (this.#all.length >= this.maxPerHour) return 'rate_limit_hour';

    const own = (this.#byPrincipal.get(principal) ?? []).filter((t) => t > nowMs - HOUR_MS);
    this.#byPrincipal.set(principal, own);
    if (own.length >= this.maxPerPrincipalPerHour) return 'rate_limit_principal';
    return undefined;
  }

  /** Counts a revocation made at `atMs`. */
  take(principal: string, atMs: number): void {
    this.#all.push(atMs);
    const own = this.#byPrincipal.get(principal) ?? [];
    own.push(atMs);
    this.#byPrincipal.set(principal, own);
  }
}
