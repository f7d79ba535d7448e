import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { testConfig, uniqueName } from '../helpers/stack.ts';

describe('ingest of a missing topic', () => {
  it('names the topic and the fix', () => {
    const config = testConfig();
    const dir = mkdtempSync(join(tmpdir(), 'eastwatch-missing-topic-'));
    const file = join(dir, 'eastwatch.config.json');
    writeFileSync(
      file,
      JSON.stringify({
        kafka: { brokers: config.kafka.brokers },
        clickhouse: { url: config.clickhouse.url },
        ingest: { credentialKey: { env: 'TEST_CREDENTIAL_KEY' } },
      }),
    );
    const topic = uniqueName('never_created');

    const result = spawnSync(
      process.execPath,
      ['bin/eastwatch.js', '--config', file, 'ingest', '--topic', topic, '--format', 'apache'],
      { encoding: 'utf8', env: { ...process.env, TEST_CREDENTIAL_KEY: 'k'.repeat(32) } },
    );

    expect(result.status).toBe(2);
    expect(result.stderr).toContain(
      `error: topic ${topic} does not exist on ${config.kafka.brokers[0]}`,
    );
    expect(result.stderr).toContain('create it, or check --topic and ingest.sources');
  });
});
