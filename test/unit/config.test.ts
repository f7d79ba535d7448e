import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig, parseConfig } from '../../core/config.ts';
import { ConfigError } from '../../core/errors.ts';
import { resolveSecret, Secret } from '../../core/secret.ts';

function writeConfig(content: unknown): string {
  const dir = mkdtempSync(join(tmpdir(), 'eastwatch-config-'));
  const file = join(dir, 'eastwatch.config.json');
  writeFileSync(file, typeof content === 'string' ? content : JSON.stringify(content));
  return file;
}

describe('configuration', () => {
  it('fills defaults for an empty file', () => {
    const config = parseConfig({});
    expect(config.kafka.brokers).toEqual(['127.0.0.1:9092']);
    expect(config.clickhouse.url).toBe('http://127.0.0.1:8123');
    expect(config.clickhouse.database).toBe('eastwatch');
    expect(config.stack.kafkaPort).toBe(9092);
    expect(config.stack.dir).toBe('.eastwatch');
  });

  it('rejects unknown keys by their full path', () => {
    expect(() => parseConfig({ kafka: { brokerz: ['x:1'] } })).toThrow(
      /kafka\.brokerz: unknown key; remove it or check its spelling/,
    );
  });

  it('names the key, the rule and the value', () => {
    expect(() => parseConfig({ stack: { kafkaPort: 70000 } })).toThrow(
      /stack\.kafkaPort: .*65535.* \(got 70000\)/,
    );
    expect(() => parseConfig({ kafka: { brokers: ['nohost'] } })).toThrow(
      /kafka\.brokers\.0: expected host:port, for example 127\.0\.0\.1:9092 \(got "nohost"\)/,
    );
  });

  it('applies environment overrides over the file', () => {
    const file = writeConfig({ kafka: { brokers: ['10.0.0.1:9092'] } });
    const config = loadConfig({
      file,
      env: {
        EASTWATCH_KAFKA_BROKERS: '127.0.0.1:19092, 127.0.0.1:29092',
        EASTWATCH_CLICKHOUSE_URL: 'http://127.0.0.1:18123',
      },
    });
    expect(config.kafka.brokers).toEqual(['127.0.0.1:19092', '127.0.0.1:29092']);
    expect(config.clickhouse.url).toBe('http://127.0.0.1:18123');
  });

  it('does not change the caller overrides and freezes the result', () => {
    const overrides = { stack: { kafkaPort: 19092 } };
    const config = loadConfig({ file: writeConfig({}), env: {}, overrides });
    expect(overrides).toEqual({ stack: { kafkaPort: 19092 } });
    expect(Object.isFrozen(config.stack)).toBe(true);
  });

  it('reports a file that is not JSON', () => {
    expect(() => loadConfig({ file: writeConfig('{ nope'), env: {} })).toThrow(/is not valid JSON/);
  });

  it('reports a missing configured file', () => {
    expect(() => loadConfig({ file: '/nonexistent/eastwatch.json', env: {} })).toThrow(ConfigError);
  });

  it('hides a secret written in clear', () => {
    const attempt = () =>
      parseConfig({
        kafka: { sasl: { mechanism: 'plain', username: 'u', password: 'pw-in-clear' } },
        ingest: { credentialKey: 'hunter2-plain-secret' },
      });
    expect(attempt).toThrow(
      /kafka\.sasl\.password: must be \{ "env": "NAME" \} or \{ "file": "\/path" \}/,
    );
    expect(attempt).toThrow(/ingest\.credentialKey: must be/);
    let message = '';
    try {
      attempt();
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).not.toContain('pw-in-clear');
    expect(message).not.toContain('hunter2-plain-secret');
  });

  it('names the variable a bad value came from', () => {
    expect(() =>
      loadConfig({ file: writeConfig({}), env: { EASTWATCH_KAFKA_BROKERS: 'localhost' } }),
    ).toThrow(/kafka\.brokers\.0: .* \(got "localhost", from EASTWATCH_KAFKA_BROKERS\)/);
  });

  it('reads an empty file as all defaults', () => {
    expect(loadConfig({ file: writeConfig(''), env: {} }).kafka.brokers).toEqual([
      '127.0.0.1:9092',
    ]);
  });

  it('takes the ClickHouse password from the environment by reference', () => {
    const config = loadConfig({
      file: writeConfig({}),
      env: { EASTWATCH_CLICKHOUSE_PASSWORD: 'hunter2' },
    });
    expect(config.clickhouse.password).toEqual({ env: 'EASTWATCH_CLICKHOUSE_PASSWORD' });
  });
});

describe('secrets', () => {
  it('reads from the environment and never prints', () => {
    const secret = resolveSecret({ env: 'S' }, 'x.secret', { S: 'hunter2' });
    expect(secret.reveal()).toBe('hunter2');
    expect(String(secret)).toBe('[redacted]');
    expect(JSON.stringify({ secret })).toBe('{"secret":"[redacted]"}');
  });

  it('reads from a file without its final newline', () => {
    const file = writeConfig('s3cret\n');
    expect(resolveSecret({ file }, 'x.secret').reveal()).toBe('s3cret');
  });

  it('names the variable when it is unset', () => {
    expect(() => resolveSecret({ env: 'MISSING_VAR' }, 'alerts.key', {})).toThrow(
      /alerts\.key: environment variable MISSING_VAR is not set/,
    );
  });

  it('is a Secret instance', () => {
    expect(resolveSecret({ env: 'S' }, 'k', { S: 'v' })).toBeInstanceOf(Secret);
  });
});

describe('KRaft cluster id', () => {
  it('never starts with a dash', async () => {
    const { newClusterId } = await import('../../stack/kafka.ts');
    for (let i = 0; i < 2000; i++) {
      const id = newClusterId();
      expect(id).toMatch(/^[A-Za-z0-9][A-Za-z0-9_-]{21}$/);
    }
  });
});
