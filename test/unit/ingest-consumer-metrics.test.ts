import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { IngestMetrics, serveMetrics } from '../../ingest/consumer/metrics.ts';

describe('metrics endpoint', () => {
  it('serves the ingest series', async () => {
    const served = await serveMetrics(new IngestMetrics(), '127.0.0.1', 0);
    try {
      const response = await fetch(`http://127.0.0.1:${served.port}/metrics`);
      expect(response.status).toBe(200);
      expect(await response.text()).toContain('# TYPE');
    } finally {
      await served.close();
    }
  });

  it('names the setting when the port is taken', async () => {
    const blocker = createServer();
    await new Promise<void>((done) => blocker.listen(0, '127.0.0.1', done));
    const { port } = blocker.address() as AddressInfo;
    try {
      await expect(serveMetrics(new IngestMetrics(), '127.0.0.1', port)).rejects.toThrow(
        `metrics port 127.0.0.1:${port} is in use; set --metrics-port or ingest.consumer.metricsPort to a free port, or 0 for none`,
      );
    } finally {
      blocker.close();
    }
  });
});
