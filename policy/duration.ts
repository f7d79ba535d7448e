import { EastwatchError } from '../core/errors.ts';

const UNIT_MS: Record<string, number> = {
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
};

/** Raised for a window that is not a positive whole number followed by a unit. */
export class DurationError extends EastwatchError {
  constructor(text: string) {
    super(
      'DURATION_INVALID',
      `duration ${JSON.stringify(text)} is invalid; use a positive whole number and a unit ` +
        '(ms, s, m, h or d), for example 24h',
      { retriable: false },
    );
  }
}

/** Parses a duration such as `24h`, `30m` or `7d` into milliseconds. */
export function parseDurationMs(text: string): number {
  const match = /^(\d+)(ms|s|m|h|d)$/.exec(text.trim());
  const value = match ? Number(match[1]) : 0;
  const unit = match ? UNIT_MS[match[2]!] : undefined;
  if (unit === undefined || value <= 0 || !Number.isSafeInteger(value * unit)) {
    throw new DurationError(text);
  }
  return value * unit;
}
