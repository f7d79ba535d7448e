import { setTimeout as sleep } from 'node:timers/promises';
import type { ClickHouseClient } from '../clickhouse/client.ts';
import type { Logger } from '../core/logger.ts';
import { recordAttempt } from './attempts.ts';
import { backoffDelayMs } from './backoff.ts';
import { CircuitBreaker } from './breaker.ts';
import type { DeliveryConfig } from './config.ts';
import type { AlertMetrics } from './metrics.ts';
import { DeliveryError } from './errors.ts';
import { updateEntry, type OutboxEntry } from './outbox.ts';
import type { Sink } from './sinks/sink.ts';
import { Semaphore } from './semaphore.ts';

interface SinkLane {
  sink: Sink;
  breaker: CircuitBreaker;
  slots: Semaphore;
}

/** Outcome of one attempt. */
type AttemptResult = { delivered: true } | { delivered: false; error: DeliveryError };

/**
 * Delivers outbox entries, each to its sink, until the sink accepts it: at least once. Failed
 * attempts are retried with capped, jittered backoff; each sink has a circuit breaker and a limit
 * on requests in flight. Every attempt is a row in `alert_delivery_attempts`, and the entry's
 * final state a row in `alert_outbox`. `stop()` aborts waits and requests; entries still pending
 * stay in the outbox for the next start.
 */
export class DeliveryWorker {
  readonly #lanes = new Map<string, SinkLane>();
  readonly #inFlight = new Set<Promise<void>>();
  readonly #abort = new AbortController();

  constructor(
    sinks: readonly Sink[],
    private readonly client: ClickHouseClient,
    private readonly config: DeliveryConfig,
    private readonly log: Logger,
    private readonly now: () => number,
    private readonly random: () => number,
    private readonly metrics: AlertMetrics,
  ) {
    const breakerOptions = {
      failureThreshold: config.breakerFailureThreshold,
      openMs: config.breakerOpenMs,
    };
    for (const sink of sinks) {
      this.#lanes.set(sink.name, {
        sink,
        breaker: new CircuitBreaker(breakerOptions, now),
        slots: new Semaphore(config.maxInFlight),
      });
    }
  }

  /** Starts delivering an entry in the background. */
  dispatch(entry: OutboxEntry): void {
    const task = this.#deliver(entry).catch((error: unknown) => {
      this.log.error(
        { err: error, alert_id: entry.alert.id, sink: entry.sink },
        'delivery stopped',
      );
    });
    this.#inFlight.add(task);
    void task.finally(() => this.#inFlight.delete(task));
  }

  /** Resolves when every dispatched entry is delivered, failed or abandoned by `stop()`. */
  async drain(): Promise<void> {
    while (this.#inFlight.size > 0) await Promise.all([...this.#inFlight]);
  }

  async stop(): Promise<void> {
    this.#abort.abort();
    await this.drain();
  }

  async #deliver(entry: OutboxEntry): Promise<void> {
    const lane = this.#lanes.get(entry.sink);
    if (lane === undefined) {
      this.log.warn(
        { alert_id: entry.alert.id, sink: entry.sink },
        'outbox entry for unknown sink',
      );
      return;
    }

    let attempts = entry.attempts;
    const signal = this.#abort.signal;
    while (!signal.aborted) {
      const gate = lane.breaker.beforeAttempt();
      if (!gate.allowed) {
        await this.#wait(gate.retryInMs);
        continue;
      }

      attempts += 1;
      const result = await this.#attempt(lane, entry, attempts);
      if (result.delivered) {
        lane.breaker.onSuccess();
        await this.#settle(entry, attempts, 'delivered', '');
        return;
      }

      lane.breaker.onFailure();
      if (signal.aborted) return;
      if (this.#givesUp(result.error, attempts)) {
        this.log.error(
          { err: result.error, alert_id: entry.alert.id, sink: entry.sink, attempts },
          'delivery failed',
        );
        await this.#settle(entry, attempts, 'failed', result.error.message);
        return;
      }
      await this.#wait(backoffDelayMs(attempts, this.config, this.random));
    }
  }

  #givesUp(error: DeliveryError, attempts: number): boolean {
    if (!error.retriable) return true;
    return this.config.maxAttempts > 0 && attempts >= this.config.maxAttempts;
  }

  async #attempt(lane: SinkLane, entry: OutboxEntry, attempt: number): Promise<AttemptResult> {
    const startedAtMs = this.now();
    let result: AttemptResult;
    let statusCode: number;

    await lane.slots.acquire();
    try {
      statusCode = await lane.sink.deliver({
        alert: entry.alert,
        messageId: entry.messageId,
        signal: this.#abort.signal,
      });
      result = { delivered: true };
    } catch (error) {
      result = { delivered: false, error: asDeliveryError(error, entry.sink) };
      statusCode = result.error.statusCode;
    } finally {
      lane.slots.release();
    }

    const durationMs = Math.max(0, this.now() - startedAtMs);
    const outcome = result.delivered ? 'delivered' : 'failed';
    this.metrics.attempts.inc({ sink: entry.sink, outcome });
    this.metrics.attemptDuration.observe({ sink: entry.sink }, durationMs / 1000);
    await this.#record(entry, attempt, startedAtMs, durationMs, statusCode, result);
    return result;
  }

  async #record(
    entry: OutboxEntry,
    attempt: number,
    startedAtMs: number,
    durationMs: number,
    statusCode: number,
    result: AttemptResult,
  ): Promise<void> {
    try {
      await recordAttempt(this.client, {
        alertId: entry.alert.id,
        sink: entry.sink,
        messageId: entry.messageId,
        attempt,
        startedAtMs,
        durationMs,
        outcome: result.delivered ? 'delivered' : 'failed',
        statusCode,
        retriable: result.delivered ? false : result.error.retriable,
        error: result.delivered ? '' : result.error.message,
      });
    } catch (error) {
      // The attempt itself happened; losing its record must not stop or repeat the delivery.
      this.log.warn(
        { err: error, alert_id: entry.alert.id, sink: entry.sink },
        'attempt not recorded',
      );
    }
  }

  async #settle(
    entry: OutboxEntry,
    attempts: number,
    status: 'delivered' | 'failed',
    error: string,
  ): Promise<void> {
    this.metrics.settled.inc({ sink: entry.sink, status });
    try {
      await updateEntry(this.client, { ...entry, attempts }, status, this.now(), error);
    } catch (cause) {
      // The entry stays pending and is delivered again after restart: a duplicate, not a loss.
      this.log.warn(
        { err: cause, alert_id: entry.alert.id, sink: entry.sink },
        'outbox not updated',
      );
    }
  }

  async #wait(delayMs: number): Promise<void> {
    try {
      await sleep(delayMs, undefined, { signal: this.#abort.signal });
    } catch {
      // Aborted by stop(); the loop checks the signal next.
    }
  }
}

function asDeliveryError(error: unknown, sink: string): DeliveryError {
  if (error instanceof DeliveryError) return error;
  const retriable = (error as { retriable?: unknown } | null)?.retriable !== false;
  return new DeliveryError(`sink ${sink} failed`, { sink, retriable, cause: error });
}
