import { createHash } from 'node:crypto';
import type { Kafka } from 'kafkajs';
import { createClickHouse, type ClickHouseClient } from '../clickhouse/client.ts';
import type { Config } from '../core/config.ts';
import { componentLogger } from '../core/logger.ts';
import { detectorSet, severityAtLeast, type Alert } from './alert.ts';
import { compileAllowlist, matchAllowlist, type CompiledRule } from './allowlist.ts';
import { DeliveryWorker } from './delivery.ts';
import { AlertPipelineStateError } from './errors.ts';
import { AlertMetrics } from './metrics.ts';
import { enqueue, pendingEntries, type OutboxEntry } from './outbox.ts';
import { recentRevocations, writeAudit } from './revocation/audit.ts';
import { RevocationLimiter } from './revocation/limiter.ts';
import { decideRevocation } from './revocation/policy.ts';
import { REVOCATION_SINK } from './revocation/revoker.ts';
import { buildSinks } from './sinks/build.ts';
import type { FetchFunction, Sink } from './sinks/sink.ts';
import { findActiveAlert, readAlert, writeAlert } from './store.ts';
import { foldAlert } from './suppression.ts';

const HOUR_MS = 3_600_000;

/** Delivers alerts to the ClickHouse `alerts` table and every configured sink, at least once. */
export interface AlertPipeline {
  /** Connects the sinks and resumes the outbox entries a previous process left undelivered. */
  start(): Promise<void>;
  /**
   * Applies the allowlist and suppression, decides revocation, stores the alert and its outbox
   * entries, and starts delivery. Resolves once the alert is stored, before it is delivered.
   */
  submit(alert: Alert): Promise<void>;
  /** Resolves when every entry started so far is delivered or has failed for good. */
  idle(): Promise<void>;
  /** Stops delivery; pending entries stay in the outbox. A second call shares the first's promise. */
  stop(): Promise<void>;
  /** Counters and histograms of submissions, attempts, deliveries and revocation decisions. */
  readonly metrics: AlertMetrics;
}

/** Outside dependencies of the pipeline. Each has a default built from the configuration. */
export interface AlertPipelineDeps {
  clickhouse?: ClickHouseClient;
  kafka?: Kafka;
  fetch?: FetchFunction;
  now?: () => number;
  /** Returns a number in [0, 1), for backoff jitter. */
  random?: () => number;
  env?: NodeJS.ProcessEnv;
  metrics?: AlertMetrics;
}

/** Returns the message id (webhook-id) of an alert: the same for every sink and every retry. */
export function messageIdOf(alertId: string): string {
  return `msg_${createHash('sha256').update(alertId).digest('hex').slice(0, 32)}`;
}

/** Creates the alert pipeline. Secrets are read and rules compiled here, so bad ones fail now. */
export function createAlertPipeline(config: Config, deps: AlertPipelineDeps = {}): AlertPipeline {
  return new DefaultAlertPipeline(config, deps);
}

class DefaultAlertPipeline implements AlertPipeline {
  readonly metrics: AlertMetrics;
  readonly #log = componentLogger('alerts');
  readonly #client: ClickHouseClient;
  readonly #ownsClient: boolean;
  readonly #now: () => number;
  readonly #sinks: Sink[];
  readonly #rules: CompiledRule[];
  readonly #limiter: RevocationLimiter;
  readonly #worker: DeliveryWorker;
  /** The submit in progress per principal and detector set, so a fold reads the previous alert. */
  readonly #submitting = new Map<string, Promise<void>>();
  #started: Promise<void> | undefined;
  #stopped: Promise<void> | undefined;

  constructor(
    private readonly config: Config,
    deps: AlertPipelineDeps,
  ) {
    this.#client = deps.clickhouse ?? createClickHouse(config.clickhouse);
    this.#ownsClient = deps.clickhouse === undefined;
    this.#now = deps.now ?? Date.now;
    this.metrics = deps.metrics ?? new AlertMetrics();
    this.#sinks = buildSinks(config, {
      clickhouse: this.#client,
      kafka: deps.kafka,
      fetch: deps.fetch ?? fetch,
      now: this.#now,
      env: deps.env ?? process.env,
    });
    this.#rules = compileAllowlist(config.alerts.allowlist);
    const revocation = config.alerts.revocation;
    this.#limiter = new RevocationLimiter(revocation.maxPerHour, revocation.maxPerPrincipalPerHour);
    this.#worker = new DeliveryWorker(
      this.#sinks,
      this.#client,
      config.alerts.delivery,
      this.#log,
      this.#now,
      deps.random ?? Math.random,
      this.metrics,
    );
  }

  start(): Promise<void> {
    // A failed start (ClickHouse or a broker unreachable) may be retried with another start().
    this.#started ??= this.#start().catch((error: unknown) => {
      this.#started = undefined;
      throw error;
    });
    return this.#started;
  }

  async #start(): Promise<void> {
    for (const sink of this.#sinks) await sink.start?.();

    const since = this.#now() - HOUR_MS;
    for (const row of await recentRevocations(this.#client, since)) {
      this.#limiter.take(row.principal, row.decidedAtMs);
    }

    const pending = await pendingEntries(this.#client);
    await this.#restoreAlertRows(pending);
    for (const entry of pending) this.#worker.dispatch(entry);
    this.#log.info(
      { sinks: this.#sinks.map((s) => s.name), resumed: pending.length },
      'alert pipeline started',
    );
  }

  /** Writes the alerts row of pending entries whose process died before writing it. */
  async #restoreAlertRows(pending: OutboxEntry[]): Promise<void> {
    const seen = new Set<string>();
    for (const entry of pending) {
      if (seen.has(entry.alert.id)) continue;
      seen.add(entry.alert.id);
      if ((await readAlert(this.#client, entry.alert.id)) !== undefined) continue;
      await writeAlert(this.#client, entry.alert, 'open', '', entry.createdAtMs);
      this.#log.warn({ alert_id: entry.alert.id }, 'alert row restored from outbox');
    }
  }

  async submit(alert: Alert): Promise<void> {
    if (this.#started === undefined || this.#stopped !== undefined) {
      throw new AlertPipelineStateError(
        'alert pipeline is not running; call start() before submit() and do not submit after stop()',
      );
    }
    await this.#started;

    const key = `${alert.principal}\u0000${detectorSet(alert).join(',')}`;
    const previous = this.#submitting.get(key) ?? Promise.resolve();
    const current = previous.catch(() => undefined).then(() => this.#submit(alert));
    this.#submitting.set(key, current);
    try {
      await current;
    } finally {
      if (this.#submitting.get(key) === current) this.#submitting.delete(key);
    }
  }

  async #submit(alert: Alert): Promise<void> {
    const nowMs = this.#now();
    const allowed = matchAllowlist(this.#rules, alert, nowMs);
    if (allowed !== undefined) {
      await writeAlert(this.#client, alert, 'dismissed', `allowlist: ${allowed.reason}`, nowMs);
      this.metrics.submitted.inc({ outcome: 'allowlisted' });
      this.#log.info({ alert_id: alert.id, principal: alert.principal }, 'alert allowlisted');
      return;
    }

    if (await this.#fold(alert, nowMs)) {
      this.metrics.submitted.inc({ outcome: 'folded' });
      return;
    }

    const decided = await this.#decideRevocation(alert, nowMs);

    // The outbox goes first: after a crash before the alerts row, start() restores the row from
    // the pending entries, while an alerts row alone would never be delivered.
    const entries = this.#entriesFor(decided, nowMs);
    await enqueue(this.#client, entries);
    await writeAlert(this.#client, decided, 'open', '', nowMs);
    for (const entry of entries) this.#worker.dispatch(entry);
    this.metrics.submitted.inc({ outcome: 'stored' });
    this.#log.info(
      { alert_id: alert.id, principal: alert.principal, severity: alert.severity },
      'alert stored',
    );
  }

  /**
   * Folds the alert into one that is not dismissed, for the same principal and detector set and
   * within the suppression window. The update goes to the `alerts` table only, so no sink gets a
   * second message.
   */
  async #fold(alert: Alert, nowMs: number): Promise<boolean> {
    const windowMs = this.config.alerts.suppressionWindowMs;
    if (windowMs === 0) return false;

    const detectors = detectorSet(alert);
    const active = await findActiveAlert(
      this.#client,
      alert.principal,
      detectors,
      alert.timestamp - windowMs,
    );
    if (active === undefined) return false;

    // NOTE: a fold that raises the severity does not ask the revocation policy again.
    const merged = foldAlert(active.alert, alert);
    const updatedAtMs = Math.max(nowMs, active.updatedAtMs + 1);
    await writeAlert(this.#client, merged, active.status, active.statusReason, updatedAtMs);
    this.#log.info(
      { alert_id: active.alert.id, folded_alert_id: alert.id, principal: alert.principal },
      'alert folded',
    );
    return true;
  }

  /** Applies the revocation policy and records its decision; off records nothing. */
  async #decideRevocation(alert: Alert, nowMs: number): Promise<Alert> {
    const policy = this.config.alerts.revocation;
    const note = decideRevocation(alert, policy, this.#limiter, nowMs);
    if (note === undefined) return alert;

    // The decision is audited before the alert is stored, so a crash in between leaves an audit
    // row without a call, never a call without an audit row.
    this.metrics.revocationDecisions.inc({ decision: note.decision, reason: note.reason });
    await writeAudit(this.#client, {
      decidedAtMs: nowMs,
      alert,
      mode: policy.mode,
      decision: note.decision,
      reason: note.reason,
      endpoint: '',
      statusCode: 0,
      detail: '',
    });
    if (note.decision === 'refused' && note.reason.startsWith('rate_limit')) {
      this.#log.warn(
        { alert_id: alert.id, principal: alert.principal, reason: note.reason },
        'revocation refused by rate limit',
      );
    }
    return { ...alert, revocation: note };
  }

  #entriesFor(alert: Alert, nowMs: number): OutboxEntry[] {
    const messageId = messageIdOf(alert.id);
    const deliver = severityAtLeast(alert.severity, this.config.alerts.minSeverity);
    const names = this.#sinks
      .map((sink) => sink.name)
      .filter((name) =>
        name === REVOCATION_SINK ? alert.revocation?.decision === 'revoke' : deliver,
      );
    return names.map((sink) => ({ alert, sink, messageId, attempts: 0, createdAtMs: nowMs }));
  }

  idle(): Promise<void> {
    return this.#worker.drain();
  }

  stop(): Promise<void> {
    this.#stopped ??= this.#stop();
    return this.#stopped;
  }

  async #stop(): Promise<void> {
    await Promise.allSettled([...this.#submitting.values()]);
    await this.#worker.stop();
    for (const sink of this.#sinks) await sink.close?.();
    if (this.#ownsClient) await this.#client.close();
    this.#log.info({}, 'alert pipeline stopped');
  }
}
