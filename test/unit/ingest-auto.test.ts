import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { Secret } from '../../core/secret.ts';
import type { AccessEvent } from '../../schemas/access-event.ts';
import {
  createRecordParser,
  type ParseOutcome,
  type RecordParseError,
} from '../../ingest/parse.ts';

/** Returns the event of an accepted record; a rejection fails the test with its reason. */
function eventOf(outcome: ParseOutcome): AccessEvent {
  if (!outcome.ok) throw outcome.error;
  return outcome.event;
}

/** Returns the error of a rejected record; an accepted one fails the test. */
function errorOf(outcome: ParseOutcome): RecordParseError {
  if (outcome.ok) throw new Error(`expected a rejection, got event ${outcome.event.id}`);
  return outcome.error;
}

const key = new Secret('test-key', 'test');
const meta = { topic: 'mixed', partition: 0, offset: '1' };

function firstLine(file: string): string {
  const text = readFileSync(new URL(`../fixtures/${file}`, import.meta.url), 'utf8');
  return text.split('\n')[0] ?? '';
}

function proxyOf(outcome: ParseOutcome): string {
  return outcome.ok ? outcome.event.proxy : `rejected: ${outcome.error.reason}`;
}

describe('auto format detection', () => {
  const parse = createRecordParser({ topic: 'mixed', format: 'auto' }, { credentialKey: key });
  const cases: [string, string][] = [
    ['apache-combined/apache_logs', 'nginx'],
    ['nginx-combined/test.log', 'nginx'],
    ['traefik-clf/traefik_clf.log', 'traefik'],
    ['traefik-json/traefik_json.log', 'traefik'],
    ['envoy-gateway-json/envoy.log', 'envoy-json'],
    ['aws-alb/aws-alb-logs.log', 'alb'],
    ['haproxy-http/haproxy.log', 'haproxy'],
    ['haproxy-http/haproxy-logs.log', 'haproxy'],
    ['cloudtrail-crowdsec/aws-cloudtrail.log', 'cloudtrail'],
    ['k8s-audit/k8s-audit-pod-exec-file.log', 'k8s-audit'],
  ];

  it.each(cases)('detects %s', (file, proxy) => {
    expect(proxyOf(parse(Buffer.from(firstLine(file)), meta))).toBe(proxy);
  });

  it('gives the same event as the named format', () => {
    const line = Buffer.from(firstLine('aws-alb/aws-alb-logs.log'));
    const named = createRecordParser({ topic: 'mixed', format: 'alb' }, { credentialKey: key });
    expect(parse(line, meta)).toEqual(named(line, meta));
  });

  it('detects Cloudflare and NGINX JSON', () => {
    const cloudflare = JSON.stringify({
      EdgeStartTimestamp: '2025-01-01T00:00:00Z',
      ClientRequestHost: 'a.example',
      ClientRequestURI: '/',
      RayID: '8f00aa11bb22cc33',
    });
    const nginx = JSON.stringify({ time_iso8601: '2025-01-01T00:00:00Z', remote_addr: '10.0.0.1' });
    expect(proxyOf(parse(Buffer.from(cloudflare), meta))).toBe('cloudflare');
    expect(proxyOf(parse(Buffer.from(nginx), meta))).toBe('nginx-json');
  });

  it('rejects JSON of no known format', () => {
    expect(proxyOf(parse(Buffer.from('{"hello":"world"}'), meta))).toBe('rejected: unknown_format');
  });
});

describe('mapped json parser', () => {
  const parse = createRecordParser(
    {
      topic: 'app',
      format: 'json',
      principal: 'field:auth.client',
      fieldMapping: {
        timestamp: 'ts',
        timestampUnit: 's',
        path: 'http.target',
        method: 'http.method',
        status: 'http.status',
        sourceIp: 'peer',
        durationMs: 'took_us',
        durationUnit: 'us',
        requestId: 'trace',
      },
    },
    { credentialKey: key },
  );
  const record = {
    ts: 1_735_689_600,
    http: { target: '/v1/users/42/keys?x=1', method: 'delete', status: 204 },
    peer: '10.1.1.1:5000',
    took_us: 1500,
    trace: 'abc',
    auth: { client: 'provisioner' },
  };

  it('maps the configured paths', () => {
    const outcome = parse(Buffer.from(JSON.stringify(record)), meta);
    expect({ ...eventOf(outcome), id: '' }).toEqual({
      id: '',
      timestamp: 1_735_689_600_000,
      principal: 'provisioner',
      credential: '',
      sourceIp: '10.1.1.1',
      userAgent: '',
      method: 'DELETE',
      host: '',
      path: '/v1/users/42/keys',
      route: '/v1/users/{id}/keys',
      status: 204,
      bytesIn: 0,
      bytesOut: 0,
      durationMs: 1.5,
      proxy: 'json',
      topic: 'mixed',
      partition: 0,
      offset: 1,
    });
  });

  it('names a mapped field of the wrong type', () => {
    const bad = { ...record, http: { ...record.http, status: '204' } };
    const outcome = parse(
      Buffer.from(JSON.stringify({ ...bad, http: { ...bad.http, method: 5 } })),
      meta,
    );
    expect(errorOf(outcome).reason).toBe('wrong_type');
    expect(errorOf(outcome).field).toBe('http.method');
  });

  it('requires the timestamp', () => {
    const withoutTime: Partial<typeof record> = { ...record };
    delete withoutTime.ts;
    const outcome = parse(Buffer.from(JSON.stringify(withoutTime)), meta);
    expect(errorOf(outcome).reason).toBe('missing_field');
    expect(errorOf(outcome).field).toBe('ts');
  });

  it('falls back to the broker timestamp', () => {
    const cloudflare = createRecordParser(
      { topic: 'edge', format: 'cloudflare' },
      { credentialKey: key },
    );
    const line = Buffer.from('{"ClientRequestURI":"/","RayID":"8f00aa11bb22cc33"}');
    const withBrokerTime = cloudflare(line, { ...meta, timestampMs: 1_735_689_600_000 });
    const without = cloudflare(line, meta);
    expect(eventOf(withBrokerTime).timestamp).toBe(1_735_689_600_000);
    expect(errorOf(without).reason).toBe('missing_field');
    expect(errorOf(without).field).toBe('timestamp');
  });
});
