import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import { ConfigError } from '../../core/errors.ts';

/** Prometheus metrics of the ingest consumer, in a registry of its own. */
export class IngestMetrics {
  readonly registry = new Registry();

  readonly consumed = new Counter({
    name: 'eastwatch_ingest_records_consumed_total',
    help: 'Kafka records read by the ingest consumer.',
    labelNames: ['topic'] as const,
    registers: [this.registry],
  });

  readonly inserted = new Counter({
    name: 'eastwatch_ingest_records_inserted_total',
    help: 'Events acknowledged by ClickHouse.',
    labelNames: ['topic'] as const,
    registers: [this.registry],
  });

  readonly deadLettered = new Counter({
    name: 'eastwatch_ingest_records_dead_lettered_total',
    help: 'Records sent to the dead-letter topic, by parser reason.',
    labelNames: ['topic', 'reason'] as const,
    registers: [this.registry],
  });

  readonly retries = new Counter({
    name: 'eastwatch_ingest_retries_total',
    help: 'Retried ClickHouse inserts and dead-letter produces, by operation.',
    labelNames: ['topic', 'operation'] as const,
    registers: [this.registry],
  });

  readonly batchDuration = new Histogram({
    name: 'eastwatch_ingest_batch_duration_seconds',
    help: 'Time from receiving a chunk of records to committing its offset, retries included.',
    labelNames: ['topic'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300],
    registers: [this.registry],
  });

  readonly lag = new Gauge({
    name: 'eastwatch_ingest_consumer_lag',
    help: 'Records between the committed offset and the end of each partition.',
    labelNames: ['topic', 'partition'] as const,
    registers: [this.registry],
  });
}

/** Serves `GET /metrics` in the Prometheus text format. */
export async function serveMetrics(
  metrics: IngestMetrics,
  host: string,
  port: number,
): Promise<{ port: number; close: () => Promise<void> }> {
  const server: Server = createServer((request, response) => {
    if (request.method !== 'GET' || request.url?.split('?')[0] !== '/metrics') {
      response.writeHead(404).end();
      return;
    }
    metrics.registry.metrics().then(
      (text) => response.writeHead(200, { 'content-type': metrics.registry.contentType }).end(text),
      () => response.writeHead(500).end(),
    );
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', (err: NodeJS.ErrnoException) => {
      if (err.code !== 'EADDRINUSE') return reject(err);
      reject(
        new ConfigError(
          `metrics port ${host}:${port} is in use; set --metrics-port or ingest.consumer.metricsPort to a free port, or 0 for none`,
          { cause: err },
        ),
      );
    });
    server.listen(port, host, () => resolve());
  });

  return {
    port: (server.address() as AddressInfo).port,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
