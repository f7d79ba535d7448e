import { describe, expect, it } from 'vitest';
import { EastwatchError } from '../../core/errors.ts';
import { isRetriableProduceFailure } from '../../ingest/consumer/dead-letter.ts';
import { RetryAbortedError, retryUntilDone } from '../../ingest/consumer/retry.ts';
import kafkajs from 'kafkajs';

function failing(results: (Error | 'ok')[]): { run: () => Promise<string>; calls: () => number } {
  let calls = 0;
  return {
    run: () => {
      const next = results[Math.min(calls, results.length - 1)]!;
      calls += 1;
      return next === 'ok' ? Promise.resolve('stored') : Promise.reject(next);
    },
    calls: () => calls,
  };
}

const transient = () => new EastwatchError('CLICKHOUSE_FAILED', 'down', { retriable: true });
const permanent = () => new EastwatchError('CLICKHOUSE_FAILED', 'no table', { retriable: false });

describe('retryUntilDone', () => {
  it('retries retriable failures until success', async () => {
    const op = failing([transient(), transient(), 'ok']);
    const delays: number[] = [];
    const result = await retryUntilDone('insert', op.run, {
      initialMs: 1,
      maxMs: 4,
      signal: new AbortController().signal,
      onRetry: (_error, _attempt, delayMs) => delays.push(delayMs),
    });
    expect(result).toBe('stored');
    expect(op.calls()).toBe(3);
    expect(delays).toHaveLength(2);
  });

  it('raises a non-retriable failure at once', async () => {
    const op = failing([permanent(), 'ok']);
    const signal = new AbortController().signal;
    await expect(
      retryUntilDone('insert', op.run, { initialMs: 1, maxMs: 1, signal }),
    ).rejects.toThrow('no table');
    expect(op.calls()).toBe(1);
  });

  it('treats a plain error as not retriable', async () => {
    const op = failing([new Error('bug'), 'ok']);
    const signal = new AbortController().signal;
    await expect(
      retryUntilDone('insert', op.run, { initialMs: 1, maxMs: 1, signal }),
    ).rejects.toThrow('bug');
    expect(op.calls()).toBe(1);
  });

  it('gives up when the consumer stops', async () => {
    const controller = new AbortController();
    const op = failing([transient()]);
    const retry = retryUntilDone('insert', op.run, {
      initialMs: 60_000,
      maxMs: 60_000,
      signal: controller.signal,
      onRetry: () => controller.abort(),
    });
    await expect(retry).rejects.toThrow(RetryAbortedError);
    expect(op.calls()).toBe(1);
  });

  it('gives up when the partition is lost', async () => {
    const op = failing([transient()]);
    const retry = retryUntilDone('insert', op.run, {
      initialMs: 1,
      maxMs: 1,
      signal: new AbortController().signal,
      shouldStop: () => 'the partition was reassigned',
    });
    await expect(retry).rejects.toThrow(
      'gave up retrying insert because the partition was reassigned',
    );
  });
});

describe('isRetriableProduceFailure', () => {
  it('reads the failure kafkajs gave up on', () => {
    const retriable = new kafkajs.KafkaJSProtocolError('NOT_ENOUGH_REPLICAS');
    const exhausted = new kafkajs.KafkaJSNumberOfRetriesExceeded(retriable, {
      retryCount: 5,
      retryTime: 1000,
    });
    expect(isRetriableProduceFailure(exhausted)).toBe(true);
  });

  it('rejects a permanent broker error', () => {
    const tooLarge = new kafkajs.KafkaJSNonRetriableError('MESSAGE_TOO_LARGE');
    expect(isRetriableProduceFailure(tooLarge)).toBe(false);
  });

  it('retries a connection failure', () => {
    expect(isRetriableProduceFailure(new kafkajs.KafkaJSConnectionError('refused'))).toBe(true);
  });
});
