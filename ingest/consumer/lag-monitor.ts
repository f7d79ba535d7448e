import type { Admin } from 'kafkajs';
import type { Logger } from '../../core/logger.ts';
import { measureLag } from './lag.ts';
import type { IngestMetrics } from './metrics.ts';

export interface LagMonitorOptions {
  admin: Admin;
  groupId: string;
  topics: readonly string[];
  intervalMs: number;
  metrics: IngestMetrics;
  log: Logger;
  /** Calls `onIdle` once, after every partition has had zero lag for this long, in ms. */
  idleMs?: number;
  onIdle?: () => void;
}

/** Measures consumer lag at an interval, for the lag gauge and for stopping once drained. */
export class LagMonitor {
  readonly #options: LagMonitorOptions;
  #timer: NodeJS.Timeout | undefined;
  #idleSinceMs: number | undefined;
  #measuring = false;
  #failures = 0;

  constructor(options: LagMonitorOptions) {
    this.#options = options;
  }

  start(): void {
    this.#timer = setInterval(() => void this.#measure(), this.#options.intervalMs);
  }

  stop(): void {
    clearInterval(this.#timer);
    this.#timer = undefined;
  }

  async #measure(): Promise<void> {
    if (this.#measuring) return;
    this.#measuring = true;
    try {
      const lags = await measureLag(
        this.#options.admin,
        this.#options.groupId,
        this.#options.topics,
      );
      for (const { topic, partition, lag } of lags) {
        this.#options.metrics.lag.set({ topic, partition: String(partition) }, lag);
      }
      this.#failures = 0;
      this.#checkIdle(lags.every((p) => p.lag === 0));
    } catch (err) {
      this.#failures += 1;
      // One line per ten failed measurements keeps a broker outage from flooding the log.
      if (this.#failures % 10 === 1) {
        this.#options.log.warn({ err, failures: this.#failures }, 'lag measurement failed');
      }
      this.#idleSinceMs = undefined;
    } finally {
      this.#measuring = false;
    }
  }

  #checkIdle(drained: boolean): void {
    const { idleMs, onIdle } = this.#options;
    if (idleMs === undefined || onIdle === undefined || this.#timer === undefined) return;
    if (!drained) {
      this.#idleSinceMs = undefined;
      return;
    }

    const nowMs = Date.now();
    this.#idleSinceMs ??= nowMs;
    if (nowMs - this.#idleSinceMs >= idleMs) {
      this.stop();
      onIdle();
    }
  }
}
