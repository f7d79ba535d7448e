import { describe, expect, it } from 'vitest';
import { backoffDelayMs } from '../../alerts/backoff.ts';
import { CircuitBreaker } from '../../alerts/breaker.ts';

describe('backoffDelayMs', () => {
  const options = { initialDelayMs: 500, maxDelayMs: 60_000 };

  it('doubles per retry', () => {
    const lowest = [1, 2, 3, 4].map((retry) => backoffDelayMs(retry, options, () => 0));
    expect(lowest).toEqual([250, 500, 1000, 2000]);
  });

  it('puts the jitter in the upper half', () => {
    expect(backoffDelayMs(1, options, () => 0.5)).toBe(375);
    expect(backoffDelayMs(1, options, () => 0.999999)).toBe(500);
  });

  it('caps at maxDelayMs', () => {
    expect(backoffDelayMs(30, options, () => 0)).toBe(30_000);
    expect(backoffDelayMs(1000, options, () => 0.999999)).toBe(60_000);
  });
});

describe('CircuitBreaker', () => {
  function breakerAt(clock: { now: number }) {
    return new CircuitBreaker({ failureThreshold: 3, openMs: 10_000 }, () => clock.now);
  }

  it('stays closed below the threshold', () => {
    const clock = { now: 0 };
    const breaker = breakerAt(clock);
    breaker.onFailure();
    breaker.onFailure();
    expect(breaker.state).toBe('closed');
    expect(breaker.beforeAttempt()).toEqual({ allowed: true });
  });

  it('a success resets the count', () => {
    const clock = { now: 0 };
    const breaker = breakerAt(clock);
    breaker.onFailure();
    breaker.onFailure();
    breaker.onSuccess();
    breaker.onFailure();
    breaker.onFailure();
    expect(breaker.state).toBe('closed');
  });

  it('opens at the threshold', () => {
    const clock = { now: 1000 };
    const breaker = breakerAt(clock);
    for (let i = 0; i < 3; i++) breaker.onFailure();
    expect(breaker.state).toBe('open');
    clock.now = 4000;
    expect(breaker.beforeAttempt()).toEqual({ allowed: false, retryInMs: 7000 });
  });

  it('lets one probe through when half-open', () => {
    const clock = { now: 0 };
    const breaker = breakerAt(clock);
    for (let i = 0; i < 3; i++) breaker.onFailure();
    clock.now = 10_000;
    expect(breaker.state).toBe('half-open');
    expect(breaker.beforeAttempt()).toEqual({ allowed: true });
    expect(breaker.beforeAttempt()).toEqual({ allowed: false, retryInMs: 1000 });
  });

  it('closes after a good probe', () => {
    const clock = { now: 0 };
    const breaker = breakerAt(clock);
    for (let i = 0; i < 3; i++) breaker.onFailure();
    clock.now = 10_000;
    breaker.beforeAttempt();
    breaker.onSuccess();
    expect(breaker.state).toBe('closed');
    expect(breaker.beforeAttempt()).toEqual({ allowed: true });
  });

  it('reopens after a failed probe', () => {
    const clock = { now: 0 };
    const breaker = breakerAt(clock);
    for (let i = 0; i < 3; i++) breaker.onFailure();
    clock.now = 10_000;
    breaker.beforeAttempt();
    breaker.onFailure();
    expect(breaker.state).toBe('open');
    clock.now = 19_999;
    expect(breaker.state).toBe('open');
    clock.now = 20_000;
    expect(breaker.state).toBe('half-open');
  });
});
