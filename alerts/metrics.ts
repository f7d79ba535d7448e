import { Counter, Histogram, Registry } from 'prom-client';

/** Prometheus metrics of the alert pipeline, in a registry of its own. */
export class AlertMetrics {
  readonly registry = new Registry();

  readonly submitted = new Counter({
    name: 'eastwatch_alerts_submitted_total',
    help: 'Alerts submitted to the pipeline, by outcome: stored, folded or allowlisted.',
    labelNames: ['outcome'] as const,
    registers: [this.registry],
  });

  readonly attempts = new Counter({
    name: 'eastwatch_alert_delivery_attempts_total',
    help: 'Delivery attempts, by sink and outcome: delivered or failed.',
    labelNames: ['sink', 'outcome'] as const,
    registers: [this.registry],
  });

  readonly settled = new Counter({
    name: 'eastwatch_alert_deliveries_total',
    help: 'Alerts done with a sink, by final status: delivered or failed (gave up).',
    labelNames: ['sink', 'status'] as const,
    registers: [this.registry],
  });

  readonly attemptDuration = new Histogram({
    name: 'eastwatch_alert_delivery_attempt_duration_seconds',
    help: 'Duration of one delivery attempt, by sink.',
    labelNames: ['sink'] as const,
    buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers: [this.registry],
  });

  readonly revocationDecisions = new Counter({
    name: 'eastwatch_revocation_decisions_total',
    help: 'Revocation policy decisions, by decision and reason.',
    labelNames: ['decision', 'reason'] as const,
    registers: [this.registry],
  });
}
